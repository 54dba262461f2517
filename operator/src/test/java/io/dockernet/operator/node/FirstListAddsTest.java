package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which add events of a secondary informer wake a primary once processing started. */
class FirstListAddsTest {

  private final FirstListAdds<ConfigMap> adds = new FirstListAdds<>();

  @Test
  void anObjectOfTheFirstListWakesNobodyAgain() {
    adds.listed(Stream.of(object("uid-1", "10"), object("uid-2", "11")));
    assertThat(adds.accept(object("uid-1", "10"))).isFalse();
    assertThat(adds.accept(object("uid-2", "11"))).isFalse();
  }

  @Test
  void anObjectCreatedAfterTheListWakesItsPrimary() {
    adds.listed(Stream.of(object("uid-1", "10")));
    assertThat(adds.accept(object("uid-3", "12"))).isTrue();
  }

  @Test
  void anObjectChangedSinceTheListWakesItsPrimary() {
    adds.listed(Stream.of(object("uid-1", "10")));
    assertThat(adds.accept(object("uid-1", "14"))).isTrue();
  }

  /** Later deliveries of the same version (a re-list after a lost watch) wake as before. */
  @Test
  void onlyTheFirstDeliveryIsDropped() {
    adds.listed(Stream.of(object("uid-1", "10")));
    assertThat(adds.accept(object("uid-1", "10"))).isFalse();
    assertThat(adds.accept(object("uid-1", "10"))).isTrue();
  }

  @Test
  void anObjectWithoutVersionIsNeverDropped() {
    adds.listed(Stream.of(object("uid-1", "10")));
    assertThat(adds.accept(object("uid-1", null))).isTrue();
  }

  private static ConfigMap object(String uid, String version) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("report-" + uid)
        .withUid(uid)
        .withResourceVersion(version)
        .endMetadata()
        .build();
  }
}
