package io.dockernet.operator.fault;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentSpec;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.IpamPoolSpec;
import io.dockernet.operator.api.v1alpha1.IpamSpec;
import io.dockernet.operator.testbed.Edits;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects the fault tests declare, as a user writes them, and housekeeping. Subnets: the fault
 * tests own 198.18.200.0/24 .. 198.18.255.0/24 (other test classes use 198.18.0-199.x); each
 * network gets a /26, so one /24 holds four.
 */
final class FaultObjects {

  private static final Logger LOG = LoggerFactory.getLogger(FaultObjects.class);

  private FaultObjects() {}

  /**
   * The {@code index}-th /26 from {@code 198.18.<firstOctet>.0}, e.g. (200, 5) → 198.18.201.64/26.
   */
  static String subnet(int firstOctet, int index) {
    int third = firstOctet + index / 4;
    if (third < 200 || third > 255) {
      throw new IllegalArgumentException("subnet outside the fault tests' range: 198.18." + third);
    }
    return "198.18." + third + "." + (index % 4) * 64 + "/26";
  }

  /** The {@code host}-th address of a /26 from {@link #subnet}. */
  static String address(String subnet26, int host) {
    String base = subnet26.substring(0, subnet26.indexOf('/'));
    int last = base.lastIndexOf('.');
    return base.substring(0, last + 1) + (Integer.parseInt(base.substring(last + 1)) + host);
  }

  /** {@code docker network create --subnet SUBNET NAME}, declared for every node (or one node). */
  static DockerNetwork network(String name, String subnet, String onlyNode) {
    DockerNetwork dn = new DockerNetwork();
    dn.setMetadata(new ObjectMetaBuilder().withName(name).build());
    DockerNetworkSpec spec = new DockerNetworkSpec();
    IpamPoolSpec pool = new IpamPoolSpec();
    pool.subnet = subnet;
    spec.ipam = new IpamSpec();
    spec.ipam.config = new ArrayList<>(List.of(pool));
    if (onlyNode != null) {
      spec.nodeSelector =
          new LabelSelectorBuilder().addToMatchLabels("kubernetes.io/hostname", onlyNode).build();
    }
    dn.setSpec(spec);
    return dn;
  }

  /** A network like {@link #network(String, String, String)} on exactly the given nodes. */
  static DockerNetwork networkOn(String name, String subnet, List<String> onlyNodes) {
    DockerNetwork dn = network(name, subnet, null);
    dn.getSpec().nodeSelector =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("kubernetes.io/hostname")
            .withOperator("In")
            .withValues(onlyNodes)
            .endMatchExpression()
            .build();
    return dn;
  }

  /** {@code docker network connect --ip IPV4 --alias CONTAINER NETWORK CONTAINER}, declared. */
  static ContainerAttachment attachment(String name, String container, String network, String ip) {
    ContainerAttachment ca = new ContainerAttachment();
    ca.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ContainerAttachmentSpec spec = new ContainerAttachmentSpec();
    spec.container = container;
    spec.network = network;
    spec.ipv4Address = ip;
    spec.aliases = new ArrayList<>(List.of(container));
    ca.setSpec(spec);
    return ca;
  }

  /**
   * Adds (or replaces) a Docker label on the network: a change Docker can only make by recreate.
   */
  static DockerNetwork withLabel(DockerNetwork dn, String key, String value) {
    dn.getSpec().labels = Map.of(key, value);
    return dn;
  }

  /**
   * Sets one Docker label in the spec of a live DockerNetwork (a change Docker can only make by
   * recreating the network), as {@code kubectl patch --type merge} does: no resourceVersion, so it
   * never conflicts with the agents' finalizer updates.
   */
  static void label(KubernetesClient kube, String network, String key, String value) {
    kube.resources(DockerNetwork.class)
        .withName(network)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"labels\":{\"" + key + "\":\"" + value + "\"}}}");
  }

  /**
   * Deletes every ContainerAttachment and DockerNetwork and their reports, and waits until they are
   * gone; objects left stuck (e.g. their agent was killed) have their finalizers dropped.
   */
  static void deleteAll(KubernetesClient kube) {
    deleteAllOf(kube, ContainerAttachment.class);
    deleteAllOf(kube, DockerNetwork.class);
    Edits.deleteAll(() -> kube.resources(ContainerAttachmentNodeState.class).delete());
    Edits.deleteAll(() -> kube.resources(DockerNetworkNodeState.class).delete());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kube.resources(ContainerAttachmentNodeState.class).list().getItems().isEmpty()
                    && kube.resources(DockerNetworkNodeState.class).list().getItems().isEmpty());
  }

  private static <T extends HasMetadata> void deleteAllOf(KubernetesClient kube, Class<T> type) {
    long started = System.nanoTime();
    try {
      kube.resources(type).delete();
    } catch (KubernetesClientException e) {
      // On a loaded machine the API server can take longer than the client's request timeout to
      // mark a whole collection deleted; it carries on regardless, so wait for the result below.
      LOG.warn(
          "deleting every {}: {}; waiting for them to go", type.getSimpleName(), e.getMessage());
    }
    LOG.info(
        "DELETE of every {} answered in {} ms",
        type.getSimpleName(),
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> kube.resources(type).list().getItems().isEmpty());
    } catch (ConditionTimeoutException stuck) {
      for (T item : kube.resources(type).list().getItems()) {
        Edits.edit(
            kube.resources(type).withName(item.getMetadata().getName()),
            o -> {
              o.getMetadata().setFinalizers(new ArrayList<>());
              return o;
            });
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> kube.resources(type).list().getItems().isEmpty());
    }
  }
}
