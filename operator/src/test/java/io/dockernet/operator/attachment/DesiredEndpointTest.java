package io.dockernet.operator.attachment;

import static io.dockernet.operator.testbed.Fixtures.storedAttachment;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.docker.DockerGateway.ContainerEndpoint;
import io.dockernet.operator.docker.DockerGateway.EndpointRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredEndpointTest {

  @Test
  void theRequestCarriesExactlyTheDeclaredSettingsInCanonicalForm() {
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "172.18.0.10");
    ca.getSpec().ipv6Address = "FD00:0:0::0010";
    ca.getSpec().aliases = List.of("test2", "db", "test2");
    ca.getSpec().links = List.of("other:o");
    ca.getSpec().macAddress = "02:42:AC:12:00:0A";
    ca.getSpec().driverOpts = Map.of("b", "2", "a", "1");

    EndpointRequest r = DesiredEndpoint.from(ca);

    assertThat(r.ipv4Address()).isEqualTo("172.18.0.10");
    assertThat(r.ipv6Address()).isEqualTo("fd00::10");
    assertThat(r.aliases()).containsExactly("test2", "db");
    assertThat(r.links()).containsExactly("other:o");
    assertThat(r.macAddress()).isEqualTo("02:42:ac:12:00:0a");
    assertThat(r.driverOpts()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @Test
  void anEndpointConfiguredAsDeclaredShowsNoDifferenceEvenWhereDockerAddsOrReformats() {
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", "172.18.0.10");
    ca.getSpec().ipv6Address = "fd00::10";
    ca.getSpec().aliases = List.of("a", "b");
    ca.getSpec().links = List.of("other:o");
    ca.getSpec().macAddress = "02:42:ac:12:00:99";
    ContainerEndpoint actual =
        endpoint("172.18.0.10", "fd00:0::10", List.of("b", "a"), List.of("/other:/test2/o"));

    assertThat(DesiredEndpoint.differences(DesiredEndpoint.from(ca), actual)).isEmpty();
  }

  @Test
  void everyChangedFieldIsNamedIncludingAFieldThatWasRemoved() {
    ContainerAttachment ca = storedAttachment("test2", "test2", "mynetwork", null);
    ca.getSpec().aliases = List.of("new");
    ContainerEndpoint actual = endpoint("172.18.0.10", null, List.of("old"), List.of());

    List<String> d = DesiredEndpoint.differences(DesiredEndpoint.from(ca), actual);

    assertThat(d).hasSize(2);
    assertThat(d.get(0)).contains("ipv4Address 172.18.0.10 → unset");
    assertThat(d.get(1)).contains("aliases [old] → [new]");
  }

  private static ContainerEndpoint endpoint(
      String ipv4, String ipv6, List<String> aliases, List<String> links) {
    return new ContainerEndpoint(
        "net",
        "ep",
        ipv4,
        ipv6,
        List.of(),
        aliases,
        links,
        Map.of(),
        "02:42:ac:12:00:0a",
        ipv4,
        24,
        null,
        0,
        "172.18.0.1",
        null);
  }
}
