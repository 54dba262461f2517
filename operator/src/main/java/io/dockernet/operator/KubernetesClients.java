package io.dockernet.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The operator's Kubernetes client: fabric8's, asking for compressed answers and reading objects
 * without their {@code metadata.managedFields}. Every object the operator lists and watches carries
 * them (kubectl's server-side apply, the agents' finalizer patches and report writes, the
 * controller's status), they are about half of each object's JSON, and fabric8 would build a tree
 * of maps for each entry that nothing here reads. Skipped while parsing, they cost neither the
 * informers' first lists at start nor each watch event afterwards. They are still written when set,
 * and a write without them leaves the server's as they are (server-side apply forbids sending them
 * at all).
 *
 * <p>The API server compresses a large answer (a list) when asked to, as client-go (kubectl, the
 * kubelet) always asks: an agent's first lists of 1,200 objects are 4.6 MB of JSON, 0.4 MB
 * compressed. Each byte the operator receives passes TLS's AES-GCM, which the client compiler it
 * runs with ({@code operator/jvm.options}) does in plain Java, without the processor's AES
 * instructions: inflating the small answer costs less than decrypting the large one.
 */
public final class KubernetesClients {

  private KubernetesClients() {}

  /** A builder for the operator's client; the config is read as fabric8 reads it by default. */
  public static KubernetesClientBuilder builder() {
    ObjectMapper mapper = new ObjectMapper().addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new CompressedAnswers())
        .withKubernetesSerialization(new KubernetesSerialization(mapper, true));
  }

  /** fabric8's Vert.x client, sending {@code Accept-Encoding: deflate, gzip}. */
  private static final class CompressedAnswers extends VertxHttpClientFactory {
    @Override
    protected void additionalConfig(WebClientOptions options) {
      options.setDecompressionSupported(true);
    }
  }

  @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
  private abstract static class WithoutManagedFields {}
}
