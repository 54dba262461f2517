package io.dockernet.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.testbed.Repo;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every line {@code kubectl explain} prints for our kinds has a description: the kind itself and
 * every field at any depth of every checked-in CRD. Also the conventions tools rely on: the
 * dockernet category, Age as the last printer column, conditions as a list keyed by type.
 */
class CrdDescriptionsTest {

  @Test
  void everyKindAndFieldIsDescribed() throws IOException {
    List<String> blank = new ArrayList<>();
    for (CustomResourceDefinition crd : crds()) {
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        String kind = crd.getSpec().getNames().getKind();
        walk(kind, v.getSchema().getOpenAPIV3Schema(), blank);
      }
    }
    assertThat(blank).as("fields without a description (kubectl explain would be blank)").isEmpty();
  }

  @Test
  void everyKindIsInTheDockernetCategoryWithAgeAsTheLastColumn() throws IOException {
    List<CustomResourceDefinition> crds = crds();
    assertThat(crds).hasSize(4);
    for (CustomResourceDefinition crd : crds) {
      String kind = crd.getSpec().getNames().getKind();
      assertThat(crd.getSpec().getNames().getCategories()).as(kind).containsExactly("dockernet");
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        var columns = v.getAdditionalPrinterColumns();
        assertThat(columns.get(columns.size() - 1).getName()).as(kind).isEqualTo("Age");
        assertThat(columns)
            .as(kind)
            .anySatisfy(
                c -> {
                  assertThat(c.getName()).isEqualTo("Message");
                  assertThat(c.getPriority()).isEqualTo(1);
                });
      }
    }
  }

  @Test
  void theSummaryKindsShowReadyAndReasonAndKeepConditionsAsAMapByType() throws IOException {
    for (CustomResourceDefinition crd : crds()) {
      String kind = crd.getSpec().getNames().getKind();
      JSONSchemaProps status =
          crd.getSpec()
              .getVersions()
              .get(0)
              .getSchema()
              .getOpenAPIV3Schema()
              .getProperties()
              .get("status");
      JSONSchemaProps conditions = status.getProperties().get("conditions");
      if (conditions == null) {
        continue;
      }
      assertThat(conditions.getXKubernetesListType()).as(kind).isEqualTo("map");
      assertThat(conditions.getXKubernetesListMapKeys()).as(kind).containsExactly("type");
      assertThat(crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
          .as(kind)
          .extracting(c -> c.getName() + "=" + c.getJsonPath())
          .contains(
              "Ready=" + ApiGroup.READY_STATUS,
              "Reason=" + ApiGroup.READY_REASON,
              "Message=" + ApiGroup.READY_MESSAGE);
    }
  }

  private static void walk(String path, JSONSchemaProps schema, List<String> blank) {
    if (schema.getDescription() == null || schema.getDescription().isBlank()) {
      blank.add(path);
    }
    if (schema.getProperties() != null) {
      schema.getProperties().forEach((name, field) -> walk(path + "." + name, field, blank));
    }
    // A list's or map's entries are explained under the field itself; their fields are not.
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      fieldsOf(path + "[]", schema.getItems().getSchema(), blank);
    }
    if (schema.getAdditionalProperties() != null
        && schema.getAdditionalProperties().getSchema() != null) {
      fieldsOf(path + "{}", schema.getAdditionalProperties().getSchema(), blank);
    }
  }

  private static void fieldsOf(String path, JSONSchemaProps entry, List<String> blank) {
    if (entry.getProperties() != null) {
      entry.getProperties().forEach((name, field) -> walk(path + "." + name, field, blank));
    }
  }

  private static List<CustomResourceDefinition> crds() throws IOException {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(Repo.chart().resolve("crds"))) {
      for (Path f : files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          crds.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
        }
      }
    }
    return crds;
  }
}
