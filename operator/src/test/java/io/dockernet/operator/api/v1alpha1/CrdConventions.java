package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the CRDs need beyond what fabric8's annotations say: printer columns in the order the kind
 * class declares them (the generator sorts them by JSON path, which put Age first), a description
 * on the kind and on apiVersion, kind, metadata, spec and status (so no {@code kubectl explain}
 * line is blank), and for the summary kinds the Kubernetes conditions convention: a list keyed by
 * type, described, and a status that reads {@code observedGeneration: 0} until the controller first
 * writes it, so that kstatus (Flux) does not take a new object as current.
 */
final class CrdConventions implements CRDPostProcessor {

  /** What metav1.Condition's fields mean, as the Kubernetes API conventions say. */
  private static final Map<String, String> CONDITION_FIELDS =
      Map.of(
          "type", "The aspect this condition is about, in CamelCase (Ready, Stalled, ...).",
          "status", "True, False or Unknown.",
          "reason", "Why the condition is in this status, as one CamelCase word.",
          "message", "What happened, for humans.",
          "observedGeneration", "The generation of the object this condition was set for.",
          "lastTransitionTime", "When status last changed (RFC 3339).");

  private final Map<String, Class<?>> kinds;

  CrdConventions(List<Class<? extends CustomResource<?, ?>>> kinds) {
    this.kinds =
        kinds.stream().collect(Collectors.toMap(k -> HasMetadata.getKind(k), Function.identity()));
  }

  @Override
  public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
    CustomResourceDefinition crd = (CustomResourceDefinition) resource;
    Class<?> kind = kinds.get(crd.getSpec().getNames().getKind());
    if (kind == null) {
      throw new IllegalStateException("no class for kind " + crd.getSpec().getNames().getKind());
    }
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      orderPrinterColumns(version, kind);
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      root.setDescription(description(kind));
      Map<String, JSONSchemaProps> fields = root.getProperties();
      Type[] specAndStatus =
          ((ParameterizedType) kind.getGenericSuperclass()).getActualTypeArguments();
      describe(fields.get("spec"), specAndStatus[0]);
      JSONSchemaProps status = fields.get("status");
      describe(status, specAndStatus[1]);
      if (status != null && status.getProperties().containsKey("conditions")) {
        conditionsConvention(status);
      }
      if (specAndStatus[0] == Void.class) {
        // A node's report is all status and only its agent writes it: without a status
        // subresource a report takes one write, not a create and then a status write.
        version.setSubresources(null);
      }
    }
    return crd;
  }

  private static void orderPrinterColumns(CustomResourceDefinitionVersion version, Class<?> kind) {
    List<String> declared =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    List<CustomResourceColumnDefinition> columns =
        version.getAdditionalPrinterColumns().stream()
            .sorted(Comparator.comparingInt(c -> declared.indexOf(c.getName())))
            .toList();
    version.setAdditionalPrinterColumns(columns);
  }

  private static void conditionsConvention(JSONSchemaProps status) {
    JSONSchemaProps conditions = status.getProperties().get("conditions");
    // A map keyed by type: one condition per type, merged by type under server-side apply.
    conditions.setXKubernetesListType("map");
    conditions.setXKubernetesListMapKeys(List.of("type"));
    JSONSchemaProps item = conditions.getItems().getSchema();
    item.setRequired(List.of("type", "status"));
    CONDITION_FIELDS.forEach((field, text) -> item.getProperties().get(field).setDescription(text));
    status.setDefault(Serialization.jsonMapper().createObjectNode().put("observedGeneration", 0));
  }

  private static void describe(JSONSchemaProps schema, Type type) {
    if (schema == null) {
      return;
    }
    // The node states have a Void spec, which the generator still emits as an empty object.
    schema.setDescription(
        type == Void.class ? "Unused: everything a node reports is in status." : description(type));
  }

  private static String description(Type type) {
    JsonClassDescription d = ((Class<?>) type).getAnnotation(JsonClassDescription.class);
    if (d == null) {
      throw new IllegalStateException(type.getTypeName() + " has no @JsonClassDescription");
    }
    return d.value();
  }
}
