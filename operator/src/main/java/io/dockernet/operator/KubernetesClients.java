package io.dockernet.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The operator's Kubernetes client: fabric8's, reading objects without their {@code
 * metadata.managedFields}. Every object the operator lists and watches carries them (kubectl's
 * server-side apply, the agents' finalizer patches and report writes, the controller's status),
 * they are about half of each object's JSON, and fabric8 would build a tree of maps for each entry
 * that nothing here reads. Skipped while parsing, they cost neither the informers' first lists at
 * start nor each watch event afterwards. They are still written when set, and a write without them
 * leaves the server's as they are (server-side apply forbids sending them at all).
 */
public final class KubernetesClients {

  private KubernetesClients() {}

  /** A builder for the operator's client; the config is read as fabric8 reads it by default. */
  public static KubernetesClientBuilder builder() {
    ObjectMapper mapper = new ObjectMapper().addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    return new KubernetesClientBuilder()
        .withKubernetesSerialization(new KubernetesSerialization(mapper, true));
  }

  @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
  private abstract static class WithoutManagedFields {}
}
