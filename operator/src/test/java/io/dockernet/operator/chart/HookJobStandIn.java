package io.dockernet.operator.chart;

import io.dockernet.operator.testbed.TestBed;
import io.dockernet.operator.uninstall.UninstallCleanup;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;

/**
 * The kubelet and Job controller the test bed lacks, for one Helm hook Job: once the Job exists,
 * runs its container's command (the image's {@code uninstall-cleanup}) in this JVM as the Job's
 * ServiceAccount, and then writes the outcome into the Job's status as the Job controller would,
 * which is what Helm waits for.
 */
final class HookJobStandIn implements AutoCloseable {

  private final ExecutorService thread = Executors.newSingleThreadExecutor();
  private final Future<UninstallCleanup.Outcome> outcome;

  private HookJobStandIn(TestBed bed, String namespace, String name) {
    // A Job of that name that exists now is a former run's, which Helm replaces
    // (before-hook-creation): wait for the new one.
    Job former =
        bed.kubernetesClient().batch().v1().jobs().inNamespace(namespace).withName(name).get();
    String formerUid = former == null ? null : former.getMetadata().getUid();
    outcome = thread.submit(() -> runWhenCreated(bed, namespace, name, formerUid));
  }

  /** Starts waiting for the Job; run the command that creates it (helm uninstall) next. */
  static HookJobStandIn forJob(TestBed bed, String namespace, String name) {
    return new HookJobStandIn(bed, namespace, name);
  }

  /** What the Job's container ended with, once it ran. */
  UninstallCleanup.Outcome outcome() throws Exception {
    return outcome.get();
  }

  private static UninstallCleanup.Outcome runWhenCreated(
      TestBed bed, String namespace, String name, String formerUid) throws Exception {
    KubernetesClient admin = bed.kubernetesClient();
    Job job =
        Awaitility.await()
            .alias("hook Job " + name)
            .atMost(java.time.Duration.ofMinutes(5))
            .until(
                () -> admin.batch().v1().jobs().inNamespace(namespace).withName(name).get(),
                j -> j != null && !j.getMetadata().getUid().equals(formerUid));
    Instant started = Instant.now();
    Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> args = container.getArgs();
    if (!args.get(0).equals(UninstallCleanup.COMMAND)) {
      throw new IllegalStateException("not the uninstall-cleanup hook: " + args);
    }
    Config config = Config.fromKubeconfig(bed.kubeConfigYaml());
    config.setImpersonateUsername(
        "system:serviceaccount:"
            + namespace
            + ":"
            + job.getSpec().getTemplate().getSpec().getServiceAccountName());
    // Whatever happens here, the Job ends: Helm would otherwise wait for it forever.
    UninstallCleanup.Outcome outcome = new UninstallCleanup.Outcome(1, List.of("not run"));
    try (KubernetesClient asJob = new KubernetesClientBuilder().withConfig(config).build()) {
      outcome = UninstallCleanup.command(args.subList(1, args.size()), asJob);
    } finally {
      admin
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .resource(finished(job, started, outcome.exitCode()))
          .patchStatus();
    }
    return outcome;
  }

  /** The status the Job controller writes when its one pod exited with this code. */
  private static Job finished(Job job, Instant started, int code) {
    String now = Instant.now().toString();
    boolean succeeded = code == 0;
    JobStatusBuilder status =
        new JobStatusBuilder()
            .withStartTime(started.toString())
            .withActive(0)
            .withReady(0)
            .withSucceeded(succeeded ? 1 : 0)
            .withFailed(succeeded ? 0 : 1)
            .withConditions(
                condition(succeeded ? "SuccessCriteriaMet" : "FailureTarget", now, code),
                condition(succeeded ? "Complete" : "Failed", now, code));
    if (succeeded) {
      status.withCompletionTime(now);
    }
    job.setStatus(status.build());
    return job;
  }

  private static JobCondition condition(String type, String now, int code) {
    return new JobConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(code == 0 ? "CompletionsReached" : "BackoffLimitExceeded")
        .withMessage(code == 0 ? "Reached expected number of succeeded pods" : "exit code " + code)
        .withLastProbeTime(now)
        .withLastTransitionTime(now)
        .build();
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
