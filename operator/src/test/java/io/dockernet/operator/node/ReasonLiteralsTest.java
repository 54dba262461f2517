package io.dockernet.operator.node;

import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.docs.ReasonReference;
import io.dockernet.operator.testbed.Repo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No per-node reason is written as a string literal in the agents' code, so that every reason a
 * report can give is a constant of a reason enum, and with it a row of the README. A source scan:
 * every one-word CamelCase literal in network/, attachment/ and node/ is either a known word that
 * is not a report reason, or this fails. (A report given a reason enum takes its phase from it:
 * {@code PassReport.of} has no phase to get wrong.)
 */
class ReasonLiteralsTest {

  private static final Path MAIN = Path.of("src/main/java/io/dockernet/operator");

  private static final List<String> AGENT_PACKAGES = List.of("network", "attachment", "node");

  /** One-word literals there that are not report reasons, and what they are. */
  private static final Map<String, Set<String>> NOT_REASONS =
      Map.of(
          "Kubernetes Event reasons (a vocabulary of their own)",
          Set.of(
              "Created", "DeletionBlocked", "EndpointsLost", "Detached", "Released", "Reconnected"),
          "journal operations",
          Set.of("Adopt", "Recreate", "Connect", "Reconnect"),
          "label selector operators",
          Set.of("In", "NotIn", "Exists", "DoesNotExist"),
          "kinds",
          Set.of("DockerNetwork", "ContainerAttachment", "Node"));

  /** Text blocks, strings, char literals and comments, so that only real literals count. */
  private static final Pattern TOKENS =
      Pattern.compile(
          "\"\"\"(.*?)\"\"\"|\"((?:\\\\.|[^\"\\\\])*)\"|'(?:\\\\.|[^'\\\\])+'|//[^\\n]*|/\\*.*?\\*/",
          Pattern.DOTALL);

  private static final Pattern ONE_WORD = Pattern.compile("[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*");

  @Test
  void noReasonIsALiteral() {
    Set<String> reasons = names();
    Set<String> known =
        NOT_REASONS.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    assertThat(known).as("a word both a reason and not").doesNotContainAnyElementsOf(reasons);
    List<String> found = new ArrayList<>();
    for (Path file : agentSources()) {
      for (String literal : literals(file)) {
        if (ONE_WORD.matcher(literal).matches() && !known.contains(literal)) {
          found.add(file.getFileName() + ": \"" + literal + "\"");
        }
      }
    }
    assertThat(found)
        .as(
            "one-word literals: a reason is a constant of NetworkReason, AttachmentReason or"
                + " NodeReason; another word goes into NOT_REASONS")
        .isEmpty();
  }

  /** Every constant is written somewhere: the README documents no reason a node never gives. */
  @Test
  void everyReasonIsReportedSomewhere() {
    String code =
        javaFiles(main()).stream().map(ReasonLiteralsTest::withoutLiterals).collect(joining("\n"));
    // The docker package names its reasons by the word (its exceptions' reason() strings).
    Set<String> docker =
        javaFiles(main().resolve("docker")).stream()
            .flatMap(f -> literals(f).stream())
            .collect(Collectors.toSet());
    assertThat(ReasonReference.all())
        .allSatisfy(
            r -> {
              String constant = r.getClass().getSimpleName() + "." + r.name();
              boolean used =
                  Pattern.compile(Pattern.quote(constant) + "\\b").matcher(code).find()
                      || (r instanceof NodeReason && docker.contains(r.name()));
              assertThat(used).as(constant + " is never reported").isTrue();
            });
  }

  private static Set<String> names() {
    return ReasonReference.all().stream().map(ReportReason::name).collect(Collectors.toSet());
  }

  /** The agents' code; the summary reconcilers' condition reasons are another vocabulary. */
  private static List<Path> agentSources() {
    return AGENT_PACKAGES.stream()
        .flatMap(p -> javaFiles(main().resolve(p)).stream())
        .filter(f -> !f.getFileName().toString().endsWith("SummaryReconciler.java"))
        .toList();
  }

  private static List<String> literals(Path file) {
    Matcher m = TOKENS.matcher(read(file));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      if (m.group(1) != null) {
        out.add(m.group(1));
      } else if (m.group(2) != null) {
        out.add(m.group(2));
      }
    }
    return out;
  }

  /** The code without its comments and literals. */
  private static String withoutLiterals(Path file) {
    return TOKENS.matcher(read(file)).replaceAll(" ");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path main() {
    return Repo.root().resolve("operator").resolve(MAIN);
  }

  private static List<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
