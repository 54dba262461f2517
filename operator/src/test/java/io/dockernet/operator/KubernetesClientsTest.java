package io.dockernet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.NetworkDriver;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator's client reads objects without their managedFields and loses nothing else. */
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
}
