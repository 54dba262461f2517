package io.dockernet.operator.testbed;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentSpec;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.IpamPoolSpec;
import io.dockernet.operator.api.v1alpha1.IpamSpec;
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
import java.util.UUID;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DockerNetworks and ContainerAttachments every test declares, as a user writes them (or, for
 * tests without an API server, as one stores them), and the one way to delete them all.
 */
public final class Fixtures {

  private static final Logger LOG = LoggerFactory.getLogger(Fixtures.class);
  private static final String HOSTNAME = "kubernetes.io/hostname";

  private Fixtures() {}

  /** {@code docker network create [--subnet SUBNET] NAME}, declared for every node. */
  public static DockerNetwork network(String name, String subnet) {
    DockerNetwork dn = new DockerNetwork();
    dn.setMetadata(new ObjectMetaBuilder().withName(name).build());
    DockerNetworkSpec spec = new DockerNetworkSpec();
    if (subnet != null) {
      IpamPoolSpec pool = new IpamPoolSpec();
      pool.subnet = subnet;
      spec.ipam = new IpamSpec();
      spec.ipam.config = new ArrayList<>(List.of(pool));
    }
    dn.setSpec(spec);
    return dn;
  }

  /** A network as the API server stores it: a uid and generation 1, for tests without one. */
  public static DockerNetwork storedNetwork(String name, String subnet) {
    return stored(network(name, subnet));
  }

  /** Names the Linux bridge ({@code -o com.docker.network.bridge.name=BRIDGE}). */
  public static DockerNetwork withBridge(DockerNetwork dn, String bridge) {
    dn.getSpec().options = Map.of("com.docker.network.bridge.name", bridge);
    return dn;
  }

  /** Declares the network for one node only. */
  public static DockerNetwork onNode(DockerNetwork dn, String node) {
    dn.getSpec().nodeSelector = new LabelSelectorBuilder().addToMatchLabels(HOSTNAME, node).build();
    return dn;
  }

  /** Declares the network for exactly the given nodes. */
  public static DockerNetwork onNodes(DockerNetwork dn, List<String> nodes) {
    dn.getSpec().nodeSelector =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey(HOSTNAME)
            .withOperator("In")
            .withValues(nodes)
            .endMatchExpression()
            .build();
    return dn;
  }

  /** Adds (or replaces) a Docker label: a change Docker can only make by recreate. */
  public static DockerNetwork withLabel(DockerNetwork dn, String key, String value) {
    dn.getSpec().labels = Map.of(key, value);
    return dn;
  }

  /**
   * Sets one Docker label in the spec of a live DockerNetwork (a change Docker can only make by
   * recreating the network), as {@code kubectl patch --type merge} does: no resourceVersion, so it
   * never conflicts with the agents' finalizer updates.
   */
  public static void label(KubernetesClient kube, String network, String key, String value) {
    kube.resources(DockerNetwork.class)
        .withName(network)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"labels\":{\"" + key + "\":\"" + value + "\"}}}");
  }

  /**
   * {@code docker network connect --ip IPV4 [--alias ALIAS...] NETWORK CONTAINER}, declared; no
   * aliases given: none declared.
   */
  public static ContainerAttachment attachment(
      String name, String container, String network, String ipv4, String... aliases) {
    ContainerAttachment ca = new ContainerAttachment();
    ca.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ContainerAttachmentSpec spec = new ContainerAttachmentSpec();
    spec.container = container;
    spec.network = network;
    spec.ipv4Address = ipv4;
    spec.aliases = aliases.length == 0 ? null : new ArrayList<>(List.of(aliases));
    ca.setSpec(spec);
    return ca;
  }

  /**
   * An attachment aliased by its container's name as the API server stores it: a uid, generation 1
   * and a fixed creation time (claims on an address go by age), for tests without one.
   */
  public static ContainerAttachment storedAttachment(
      String name, String container, String network, String ipv4) {
    ContainerAttachment ca = stored(attachment(name, container, network, ipv4, container));
    ca.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    return ca;
  }

  private static <T extends HasMetadata> T stored(T object) {
    object.getMetadata().setUid(UUID.randomUUID().toString());
    object.getMetadata().setGeneration(1L);
    return object;
  }

  /**
   * Deletes every ContainerAttachment, then every DockerNetwork, then their reports, and waits
   * until they are gone; objects left stuck (e.g. their agent was killed) have their finalizers
   * dropped so that the next test starts clean.
   */
  public static void deleteAll(KubernetesClient kube) {
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
      Edits.deleteAll(() -> kube.resources(type).delete());
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
