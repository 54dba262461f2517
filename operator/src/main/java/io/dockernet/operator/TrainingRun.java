package io.dockernet.operator;

import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.config.OperatorConfig.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image build's training run for class-data sharing ({@code operator/cds-archive.sh}): starts
 * both roles once against an API server and a Docker daemon that are not there, so that the JVM
 * lists the classes a start loads (fabric8, Vert.x, Jackson, JOSDK, docker-java and ours), then
 * exits. A pod's JVM maps those classes from the archive made of that list instead of reading,
 * parsing and verifying them from the jars: a faster start and less memory of its own.
 */
final class TrainingRun {

  static final String COMMAND = "training-run";

  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

  /** Nothing listens on port 1 of the loopback, here or in an image build. */
  private static final String NO_API_SERVER = "https://127.0.0.1:1";

  private TrainingRun() {}

  static void run() {
    Config noServer =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(NO_API_SERVER)
            .withRequestRetryBackoffLimit(0)
            .build();
    // Each role on its own: the first fails at its first request, before the second would start.
    for (Role role : Role.values()) {
      OperatorConfig config =
          new OperatorConfig(
              EnumSet.of(role),
              "training-run",
              URI.create("unix:///nonexistent/docker.sock"),
              0,
              "default");
      // The client Main builds, so its classes are listed too.
      try (KubernetesClient client = KubernetesClients.builder().withConfig(noServer).build()) {
        DockernetOperator.startOnce(config, client, UnaryOperator.identity()).close();
        LOG.warn("An API server answered at {}: the training run went on", NO_API_SERVER);
      } catch (IOException | RuntimeException e) {
        LOG.info("Training run of the {} role done ({})", role, e.toString());
      }
    }
  }
}
