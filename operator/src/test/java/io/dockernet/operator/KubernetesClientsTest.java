package io.dockernet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkDriver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's client reads objects without their managedFields and loses nothing else, and asks
 * for compressed answers.
 */
class KubernetesClientsTest {

  private static final String NETWORK =
      """
      {"apiVersion": "dockernet.io/v1alpha1", "kind": "DockerNetwork",
       "metadata": {"name": "web", "resourceVersion": "7", "finalizers": ["nodes.dockernet.io/a"],
         "managedFields": [{"manager": "kubectl", "operation": "Apply",
           "apiVersion": "dockernet.io/v1alpha1", "fieldsType": "FieldsV1",
           "fieldsV1": {"f:spec": {"f:driver": {}}}}]},
       "spec": {"driver": "bridge"}}
      """;

  private final KubernetesClient client =
      KubernetesClients.builder().withConfig(Config.empty()).build();
  private final KubernetesSerialization serialization = client.getKubernetesSerialization();

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void objectsAreReadWithoutTheirManagedFieldsAndWithEverythingElse() {
    DockerNetwork network = serialization.unmarshal(NETWORK, DockerNetwork.class);

    assertThat(network.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(network.getMetadata().getName()).isEqualTo("web");
    assertThat(network.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(network.getMetadata().getFinalizers()).containsExactly("nodes.dockernet.io/a");
    assertThat(network.getSpec().driver).isEqualTo(NetworkDriver.BRIDGE);
  }

  @Test
  void managedFieldsThatAreSetAreStillWritten() {
    DockerNetwork network = serialization.unmarshal(NETWORK, DockerNetwork.class);
    network
        .getMetadata()
        .getManagedFields()
        .add(new ManagedFieldsEntryBuilder().withManager("someone").build());

    assertThat(serialization.asJson(network)).contains("\"managedFields\"", "\"someone\"");
  }

  @Test
  void answersComeCompressedWhenTheServerCompresses() throws Exception {
    AtomicReference<String> acceptEncoding = new AtomicReference<>();
    byte[] configMap =
        gzip(
            """
            {"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": "settings", "namespace": "default"}, "data": {"mode": "fast"}}
            """);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/namespaces/default/configmaps/settings",
        exchange -> {
          acceptEncoding.set(exchange.getRequestHeaders().getFirst("Accept-Encoding"));
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.getResponseHeaders().add("Content-Encoding", "gzip");
          exchange.sendResponseHeaders(200, configMap.length);
          exchange.getResponseBody().write(configMap);
          exchange.close();
        });
    server.start();
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .build();
    try (KubernetesClient plain = KubernetesClients.builder().withConfig(config).build()) {
      ConfigMap read = plain.configMaps().inNamespace("default").withName("settings").get();

      assertThat(acceptEncoding.get()).contains("gzip");
      assertThat(read.getData()).containsEntry("mode", "fast");
    } finally {
      server.stop(0);
    }
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
