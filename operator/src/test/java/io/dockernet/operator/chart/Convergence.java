package io.dockernet.operator.chart;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes dockernet objects as a user's manifests would (any kind, generically), and waits for them
 * to become Ready or go away.
 */
public final class Convergence {

  public static final String API_VERSION = "dockernet.io/v1alpha1";
  public static final Duration CONVERGE = Duration.ofSeconds(90);

  private Convergence() {}

  /** {@code apiVersion: dockernet.io/v1alpha1}, this kind and name, and this spec. */
  public static GenericKubernetesResource manifest(
      String kind, String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind(kind)
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }

  /** A nodeSelector picking one node by its hostname label. */
  public static Map<String, Object> onNode(String node) {
    return Map.of("matchLabels", Map.of("kubernetes.io/hostname", node));
  }

  /** An ipam block with one subnet. */
  public static Map<String, Object> ipam(String subnet) {
    return Map.of("config", List.of(Map.of("subnet", subnet)));
  }

  /** Until the object reports {@code Ready=True} for its current generation. */
  public static void awaitReady(KubernetesClient kube, String kind, String name) {
    await()
        .alias(kind + " " + name + " Ready")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> isReady(object(kube, kind, name).get()));
  }

  /**
   * Until the object is Ready on {@code nodes} nodes: a node whose agent has not started yet is not
   * desired (no live agent), so Ready alone can come before every agent has acted.
   */
  public static void awaitReadyOn(KubernetesClient kube, String kind, String name, int nodes) {
    await()
        .alias(kind + " " + name + " Ready on " + nodes + " nodes")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              GenericKubernetesResource object = object(kube, kind, name).get();
              return isReady(object) && readyNodes(object) == nodes;
            });
  }

  @SuppressWarnings("unchecked")
  private static long readyNodes(GenericKubernetesResource object) {
    Map<String, Object> status =
        (Map<String, Object>) object.getAdditionalProperties().get("status");
    Long ready = number(status.get("readyNodes"));
    return ready == null ? 0 : ready;
  }

  /** Until the object is gone (every node released it and its finalizers are off). */
  public static void awaitGone(KubernetesClient kube, String kind, String name) {
    await()
        .alias(kind + " " + name + " deleted")
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> object(kube, kind, name).get() == null);
  }

  public static Resource<GenericKubernetesResource> object(
      KubernetesClient kube, String kind, String name) {
    return kube.genericKubernetesResources(API_VERSION, kind).withName(name);
  }

  /** Ready=True whose observedGeneration (the condition's, else the status's) is current. */
  @SuppressWarnings("unchecked")
  static boolean isReady(GenericKubernetesResource object) {
    if (object == null || !(object.getAdditionalProperties().get("status") instanceof Map)) {
      return false;
    }
    Map<String, Object> status =
        (Map<String, Object>) object.getAdditionalProperties().get("status");
    Long generation = object.getMetadata().getGeneration();
    List<Map<String, Object>> conditions =
        (List<Map<String, Object>>) status.getOrDefault("conditions", List.of());
    return conditions.stream()
        .anyMatch(
            c ->
                "Ready".equals(c.get("type"))
                    && "True".equals(c.get("status"))
                    && Objects.equals(
                        number(
                            c.getOrDefault("observedGeneration", status.get("observedGeneration"))),
                        generation));
  }

  private static Long number(Object value) {
    return value instanceof Number n ? n.longValue() : null;
  }
}
