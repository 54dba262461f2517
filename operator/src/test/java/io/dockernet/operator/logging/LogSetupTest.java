package io.dockernet.operator.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/** Log lines as a log pipeline (JSON) or a person (text) reads them. */
class LogSetupTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoggerContext context = new LoggerContext();

  LogSetupTest() {
    // LogContext writes through slf4j's MDC, as production code does.
    context.setMDCAdapter(MDC.getMDCAdapter());
  }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void stop() {
    context.stop();
  }

  @Test
  void jsonIsOneObjectPerLineWithTimestampObjectNodeAndTheStackTraceInOneField() throws Exception {
    Logger log = configure(Map.of("DOCKERNET_LOG_FORMAT", "json"));

    try (LogContext logged = LogContext.of(network("mynetwork"), "node-a")) {
      log.warn("Docker refused {}", "createNetwork", new IllegalStateException("Pool overlaps"));
    }
    log.info("after the reconcile");

    List<String> lines = lines();
    assertThat(lines).as("one line per event, stack trace included").hasSize(2);
    JsonNode refused = JSON.readTree(lines.get(0));
    assertThat(refused.get("level").asText()).isEqualTo("WARN");
    assertThat(refused.get("message").asText()).isEqualTo("Docker refused createNetwork");
    assertThat(refused.get("logger_name").asText()).isEqualTo("dockernet.test");
    assertThat(OffsetDateTime.parse(refused.get("@timestamp").asText())).isNotNull();
    assertThat(refused.get("kind").asText()).isEqualTo("DockerNetwork");
    assertThat(refused.get("name").asText()).isEqualTo("mynetwork");
    assertThat(refused.get("node").asText()).isEqualTo("node-a");
    assertThat(refused.get("stack_trace").asText())
        .startsWith("java.lang.IllegalStateException: Pool overlaps")
        .contains("\n\tat io.dockernet.operator.logging.LogSetupTest");
    JsonNode after = JSON.readTree(lines.get(1));
    assertThat(after.has("name")).as("MDC cleared after the reconcile").isFalse();
    assertThat(after.has("stack_trace")).isFalse();
  }

  @Test
  void textStartsWithAnIsoTimestampAndNamesTheObjectAndNode() {
    Logger log = configure(Map.of());

    try (LogContext logged = LogContext.of(network("mynetwork"), "node-a")) {
      log.info("Created network");
    }
    log.info("Roles started");

    List<String> lines = lines();
    assertThat(lines.get(0))
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  dockernet\\.test \\[[^]]+\\]"
                + " \\[.*\\] Created network")
        .contains("kind=DockerNetwork", "name=mynetwork", "node=node-a");
    assertThat(lines.get(1)).endsWith("] Roles started").doesNotContain("[]");
  }

  @Test
  void theLevelComesFromTheEnvironment() {
    Logger atInfo = configure(Map.of());
    atInfo.debug("hidden");
    atInfo.info("shown");
    assertThat(lines()).singleElement().asString().endsWith("shown");

    out.reset();
    Logger atDebug = configure(Map.of("DOCKERNET_LOG_LEVEL", "DEBUG"));
    atDebug.debug("now shown");
    assertThat(lines()).singleElement().asString().endsWith("now shown");
  }

  @Test
  void oneLoggerCanLogAtItsOwnLevel() {
    configure(Map.of("DOCKERNET_LOG_LEVEL", "info, dockernet.test.node=debug"));
    context.getLogger("dockernet.test.node.Pass").debug("pass shown");
    context.getLogger("dockernet.test.docker").debug("wire hidden");
    assertThat(lines()).singleElement().asString().endsWith("pass shown");
  }

  @Test
  void unknownValuesAreRefusedNamingTheVariable() {
    assertThatThrownBy(() -> LogSettings.from(Map.of("DOCKERNET_LOG_FORMAT", "logfmt")))
        .hasMessage("DOCKERNET_LOG_FORMAT must be text or json, not 'logfmt'");
    assertThatThrownBy(() -> LogSettings.from(Map.of("DOCKERNET_LOG_LEVEL", "verbose")))
        .hasMessageStartingWith("DOCKERNET_LOG_LEVEL must be trace, debug, info, warn or error");
    assertThat(LogSettings.from(Map.of("DOCKERNET_LOG_LEVEL", "warn")).level())
        .isEqualTo(Level.WARN);
    assertThatThrownBy(() -> LogSettings.from(Map.of("DOCKERNET_LOG_LEVEL", "info,node")))
        .hasMessage("DOCKERNET_LOG_LEVEL: 'node' is not logger=level");
  }

  /** The real process: logback finds LogSetup on its own and honours the environment. */
  @Test
  void theOperatorProcessLogsJsonToStandardOutputWhenAsked() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.dockernet.operator.Main",
            "--role=agent");
    pb.environment().remove("NODE_NAME");
    pb.environment().put("DOCKERNET_LOG_FORMAT", "json");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process java = pb.start();
    String stdout = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(java.exitValue()).as(stdout).isEqualTo(2);
    JsonNode line = JSON.readTree(stdout.strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(line.get("level").asText()).isEqualTo("ERROR");
    assertThat(line.get("message").asText())
        .startsWith("Invalid configuration:")
        .contains("NODE_NAME");
  }

  private Logger configure(Map<String, String> env) {
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setOutputStream(out);
    LogSetup.apply(context, LogSettings.from(env), appender);
    return context.getLogger("dockernet.test");
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static DockerNetwork network(String name) {
    DockerNetwork dn = new DockerNetwork();
    dn.setMetadata(new ObjectMetaBuilder().withName(name).build());
    return dn;
  }
}
