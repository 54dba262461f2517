package io.dockernet.operator;

import io.dockernet.operator.config.OperatorConfig;
import io.dockernet.operator.uninstall.UninstallCleanup;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: reads the config, starts the roles, runs until the process is stopped. With {@code
 * uninstall-cleanup [--timeout-seconds=N]} it is instead the chart's pre-delete hook: it deletes
 * every object, waits until the agents released them, and exits 0, or 1 when some are left. With
 * {@code training-run} it is the image build's class-data sharing training run ({@link
 * TrainingRun}).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  private static int uninstallCleanup(String[] args) throws InterruptedException {
    try (KubernetesClient client = KubernetesClients.builder().build()) {
      return UninstallCleanup.command(Arrays.asList(args).subList(1, args.length), client)
          .exitCode();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(UninstallCleanup.COMMAND)) {
      System.exit(uninstallCleanup(args));
    }
    if (args.length > 0 && args[0].equals(TrainingRun.COMMAND)) {
      TrainingRun.run();
      System.exit(0);
    }
    OperatorConfig config;
    try {
      config = OperatorConfig.from(System.getenv(), args);
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = KubernetesClients.builder().build();
    DockernetOperator operator = DockernetOperator.start(config, client);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
