package io.dockernet.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.netty.handler.ssl.DelegatingSslContext;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;

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
 * compressed. Each byte the operator receives or sends passes TLS's cipher, which the client
 * compiler it runs with ({@code operator/jvm.options}) runs in plain Java, without the processor's
 * AES instructions: inflating the small answer costs less than decrypting the large one.
 *
 * <p>For the same reason the client offers ChaCha20-Poly1305 first, as a client without AES
 * hardware does; Go's TLS server, the API server's, then picks it. In plain Java it is four times
 * faster than AES-GCM (4.9 MB in 16 KB records: 27 vs 121 ms under the client compiler), and
 * AES-GCM was a sixth of the controller's CPU in a bulk apply. Both are TLS 1.3's own ciphers.
 */
public final class KubernetesClients {

  /** TLS 1.3's, then TLS 1.2's with the key exchanges Go's server offers. */
  private static final List<String> CHACHA20_POLY1305 =
      List.of(
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private KubernetesClients() {}

  /** A builder for the operator's client; the config is read as fabric8 reads it by default. */
  public static KubernetesClientBuilder builder() {
    ObjectMapper mapper = new ObjectMapper().addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new CompressedAnswers())
        .withKubernetesSerialization(new KubernetesSerialization(mapper, true));
  }

  /**
   * fabric8's Vert.x client, sending {@code Accept-Encoding: deflate, gzip} and offering
   * ChaCha20-Poly1305 first.
   */
  private static final class CompressedAnswers extends VertxHttpClientFactory {
    @Override
    protected void additionalConfig(WebClientOptions options) {
      options.setDecompressionSupported(true);
      if (options.getSslEngineOptions() instanceof JdkSSLEngineOptions fabric8s) {
        options.setSslEngineOptions(new ChaChaFirst(fabric8s));
      }
    }
  }

  /**
   * fabric8's TLS set-up (its trust and keys, from the kubeconfig) with ChaCha20-Poly1305 offered
   * before the ciphers it offers itself. fabric8 ignores Vert.x's cipher options (it builds Netty's
   * context from its own SSLContext), so the order is set on each TLS engine that context makes.
   */
  private static final class ChaChaFirst extends JdkSSLEngineOptions {
    private final JdkSSLEngineOptions fabric8s;

    ChaChaFirst(JdkSSLEngineOptions fabric8s) {
      this.fabric8s = fabric8s;
    }

    @Override
    public SslContextFactory sslContextFactory() {
      SslContextFactory theirs = fabric8s.sslContextFactory();
      return () ->
          new DelegatingSslContext(theirs.create()) {
            @Override
            protected void initEngine(SSLEngine engine) {
              engine.setEnabledCipherSuites(chaChaFirst(engine));
            }
          };
    }

    @Override
    public JdkSSLEngineOptions copy() {
      return new ChaChaFirst(fabric8s.copy());
    }
  }

  /** The engine's ciphers, after the ChaCha20-Poly1305 ones it supports. */
  private static String[] chaChaFirst(SSLEngine engine) {
    Set<String> supported = Set.of(engine.getSupportedCipherSuites());
    Set<String> ordered = new LinkedHashSet<>();
    for (String chaCha : CHACHA20_POLY1305) {
      if (supported.contains(chaCha)) {
        ordered.add(chaCha);
      }
    }
    ordered.addAll(List.of(engine.getEnabledCipherSuites()));
    return ordered.toArray(String[]::new);
  }

  @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
  private abstract static class WithoutManagedFields {}
}
