package io.dockernet.operator.docs;

import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.attachment.AttachmentReason;
import io.dockernet.operator.network.NetworkReason;
import io.dockernet.operator.node.NodeReason;
import io.dockernet.operator.node.ReportReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders README.md's reason tables from the reason enums: each kind's phases in the API section
 * and the per-node reasons of the Troubleshooting section, each between its opening marker and
 * {@link #END}; the rest of the README is left as written. {@code hack/update-reason-docs.sh}
 * writes them; {@link ReasonReferenceTest} fails on drift.
 */
public final class ReasonReference {

  public static final String END = "<!-- end generated -->";

  private static final String DO_NOT_EDIT =
      "<!-- Do not edit: the text is in NetworkReason, AttachmentReason and NodeReason. -->\n";

  /** A kind's reasons and the sentence that introduces its troubleshooting table. */
  record Table(String intro, List<? extends ReportReason> reasons) {}

  static final List<Table> TABLES =
      List.of(
          new Table(
              "A DockerNetwork's report on a node (`kubectl get dnetns`):",
              List.of(NetworkReason.values())),
          new Table(
              "A ContainerAttachment's report on a node (`kubectl get cattns`):",
              List.of(AttachmentReason.values())),
          new Table("Either kind's report:", List.of(NodeReason.values())));

  /** One generated part of the README: its opening marker and what goes after it. */
  record Part(String begin, Supplier<String> body) {}

  static final List<Part> PARTS =
      List.of(
          new Part(marker("DockerNetwork phases"), () -> phases(kind(NetworkReason.values()))),
          new Part(
              marker("ContainerAttachment phases"), () -> phases(kind(AttachmentReason.values()))),
          new Part(marker("node report reasons"), ReasonReference::troubleshooting));

  private ReasonReference() {}

  /** Every reason a node's report can give, in the README's order. */
  public static List<ReportReason> all() {
    return TABLES.stream().<ReportReason>flatMap(t -> t.reasons().stream()).toList();
  }

  /** {@code readme} with each part between its markers generated afresh. */
  public static String into(String readme) {
    String out = readme;
    for (Part part : PARTS) {
      int begin = out.indexOf(part.begin());
      int end = begin < 0 ? -1 : out.indexOf(END, begin);
      if (begin < 0 || end < 0) {
        throw new IllegalArgumentException(
            "README.md lacks the markers " + part.begin() + " ... " + END);
      }
      out = out.substring(0, begin) + render(part) + out.substring(end);
    }
    return out;
  }

  /** A part, from its opening marker up to (not including) the closing one. */
  static String render(Part part) {
    return part.begin() + "\n" + DO_NOT_EDIT + part.body().get();
  }

  private static String marker(String what) {
    return "<!-- generated: " + what + " (hack/update-reason-docs.sh) -->";
  }

  /** A kind's own reasons, then those both kinds share. */
  private static List<ReportReason> kind(ReportReason[] own) {
    return Stream.concat(Stream.of(own), Stream.of(NodeReason.values())).toList();
  }

  /** One row per phase, in the order the reasons first give it: each reason and its summary. */
  private static String phases(List<ReportReason> reasons) {
    Map<Phase, List<ReportReason>> byPhase =
        reasons.stream()
            .collect(
                Collectors.groupingBy(
                    ReportReason::phase, LinkedHashMap::new, Collectors.toList()));
    StringBuilder md = new StringBuilder("\n| phase | reasons |\n|---|---|\n");
    byPhase.forEach(
        (phase, inPhase) -> {
          List<String> cells = new ArrayList<>();
          for (ReportReason reason : inPhase) {
            String summary = reason.summary();
            cells.add("`" + reason.name() + "`" + (summary.isEmpty() ? "" : " (" + summary + ")"));
          }
          md.append("| `")
              .append(phase)
              .append("` | ")
              .append(cell(String.join(", ", cells)))
              .append(" |\n");
        });
    return md.append('\n').toString();
  }

  private static String troubleshooting() {
    StringBuilder md = new StringBuilder();
    for (Table table : TABLES) {
      md.append('\n').append(table.intro()).append("\n\n");
      md.append("| you see | what it means, what to do |\n|---|---|\n");
      for (ReportReason reason : table.reasons()) {
        md.append("| `")
            .append(reason.phase())
            .append("` / `")
            .append(reason.name())
            .append("` | ")
            .append(cell(reason.help()))
            .append(" |\n");
      }
    }
    return md.append('\n').toString();
  }

  private static String cell(String markdown) {
    return markdown.replace("|", "\\|");
  }
}
