package io.dockernet.operator.node;

import io.dockernet.operator.Hashes;
import io.dockernet.operator.Keys;
import io.dockernet.operator.config.NodePolicy;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What an agent's passes follow besides the objects, the daemon and the reports: this build of the
 * operator and the node's policy. A starting agent trusts reports by an overview of the daemon
 * ({@link FirstPassTrust}) only when both are what the agent before it ran with: a new build (a
 * pass may now report or check something else) or a changed policy (an attachment rule tightened, a
 * cluster CIDR added) gets every object a full pass. The fingerprint is kept on the node's
 * heartbeat Lease ({@link AgentHeartbeat}) once the agent has passed over every object, so it names
 * only rules the reports were checked by.
 *
 * @param fingerprint a hash of the build and the policy
 */
public record PassRules(String fingerprint) {

  /** The rules of this build under {@code policy}. */
  public static PassRules of(NodePolicy policy) {
    String rules =
        String.join(
            "\n",
            "build=" + build(),
            "parents=" + new TreeSet<>(policy.allowedParentInterfaces()),
            "clusterCidrs=" + policy.clusterCidrs(),
            "recreateDockerNetworks=" + policy.allowRecreateOfDockerNetworks(),
            "hostNetDir=" + policy.hostNetDir(),
            "attachments=" + policy.attachments(),
            "defaultBridge=" + policy.allowDefaultBridge());
    return new PassRules(Hashes.sha256Hex(rules, 16));
  }

  /**
   * Whether the agent that last renewed this node's heartbeat Lease ran by these rules. Read once,
   * before this agent's heartbeat overwrites it; unknown counts as no.
   */
  public boolean sameAsBefore(KubernetesClient client, String namespace, String nodeName) {
    try {
      Lease lease =
          client.leases().inNamespace(namespace).withName(AgentHeartbeat.leaseName(nodeName)).get();
      return lease != null
          && lease.getMetadata().getAnnotations() != null
          && fingerprint.equals(lease.getMetadata().getAnnotations().get(Keys.PASS_RULES));
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  private static String build() {
    try (InputStream in = PassRules.class.getResourceAsStream("/dockernet-build.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      String build = properties.getProperty("build");
      // A build Maven did not stamp is like no other: its agents never trust an earlier report.
      return build == null || build.contains("${") ? UUID.randomUUID().toString() : build;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
