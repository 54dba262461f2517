package io.dockernet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
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
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's client reads objects without their managedFields and loses nothing else, and asks
 * for compressed answers over ChaCha20-Poly1305.
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

  @Test
  void chaCha20IsOfferedFirst(@TempDir Path dir) throws Exception {
    AtomicReference<String> cipher = new AtomicReference<>();
    SSLContext tls = serverContext(dir.resolve("server.p12"));
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(tls) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters parameters = tls.getDefaultSSLParameters();
            parameters.setUseCipherSuitesOrder(false); // the client's order decides
            params.setSSLParameters(parameters);
          }
        });
    byte[] version = "{\"major\": \"1\", \"minor\": \"34\"}".getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/version",
        exchange -> {
          cipher.set(((HttpsExchange) exchange).getSSLSession().getCipherSuite());
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, version.length);
          exchange.getResponseBody().write(version);
          exchange.close();
        });
    server.start();
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("https://127.0.0.1:" + server.getAddress().getPort())
            .withTrustCerts(true)
            .build();
    try (KubernetesClient tlsClient = KubernetesClients.builder().withConfig(config).build()) {
      assertThat(tlsClient.getKubernetesVersion().getMinor()).isEqualTo("34");

      assertThat(cipher.get()).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    } finally {
      server.stop(0);
    }
  }

  /**
   * A TLS server's context with a fresh self-signed key for 127.0.0.1, made by the JDK's keytool.
   */
  private static SSLContext serverContext(Path keystore) throws Exception {
    char[] password = "changeit".toCharArray();
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                new String(password))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor()).as(output).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, password);
    }
    KeyManagerFactory managers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(keys, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(managers.getKeyManagers(), null, null);
    return tls;
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
