package io.dockernet.operator.docs;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders docs/api.md from the chart's CRDs (helm/dockernet-operator/crds): one section per kind,
 * one table row per field with its type, default, allowed values, description and the API server's
 * validation messages. {@code hack/update-api-docs.sh} writes it; {@link ApiReferenceTest} fails on
 * drift.
 */
public final class ApiReference {

  /** Users write these two; the node states are written by the agents. */
  private static final List<String> ORDER =
      List.of(
          "DockerNetwork",
          "ContainerAttachment",
          "DockerNetworkNodeState",
          "ContainerAttachmentNodeState");

  private ApiReference() {}

  public static String render(Path crdDir) throws IOException {
    List<CustomResourceDefinition> crds;
    try (Stream<Path> files = Files.list(crdDir)) {
      crds =
          files
              .filter(f -> f.toString().endsWith("-v1.yml"))
              .map(ApiReference::load)
              .sorted(Comparator.comparingInt(c -> rank(c.getSpec().getNames().getKind())))
              .toList();
    }
    StringBuilder md = new StringBuilder();
    md.append("# API reference: `dockernet.io`\n\n")
        .append(
            "<!-- Generated from helm/dockernet-operator/crds/ by hack/update-api-docs.sh. Do not edit: ")
        .append("ApiReferenceTest fails when this file and the CRDs differ. -->\n\n")
        .append("Every kind is cluster-scoped. `kubectl explain <kind>.spec` shows the same.\n");
    for (CustomResourceDefinition crd : crds) {
      kind(md, crd);
    }
    return md.toString();
  }

  private static void kind(StringBuilder md, CustomResourceDefinition crd) {
    var names = crd.getSpec().getNames();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      md.append("\n## ").append(names.getKind()).append("\n\n");
      md.append("`")
          .append(crd.getSpec().getGroup())
          .append('/')
          .append(version.getName())
          .append("`, plural `")
          .append(names.getPlural())
          .append('`');
      if (names.getShortNames() != null && !names.getShortNames().isEmpty()) {
        md.append(", short names `").append(String.join("`, `", names.getShortNames())).append('`');
      }
      md.append(".\n");
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      for (String part : List.of("spec", "status")) {
        JSONSchemaProps schema = root.getProperties().get(part);
        if (schema != null) {
          md.append("\n### ").append(part).append("\n\n");
          rules(md, schema, "");
          md.append("| field | type | description |\n|---|---|---|\n");
          fields(md, schema, part);
        }
      }
    }
  }

  private static void fields(StringBuilder md, JSONSchemaProps schema, String path) {
    if (schema.getProperties() == null) {
      return;
    }
    for (Map.Entry<String, JSONSchemaProps> e :
        new java.util.TreeMap<>(schema.getProperties()).entrySet()) {
      String field = path + "." + e.getKey();
      JSONSchemaProps p = e.getValue();
      boolean required = schema.getRequired() != null && schema.getRequired().contains(e.getKey());
      md.append("| `")
          .append(field)
          .append("`")
          .append(required ? " (required)" : "")
          .append(" | ")
          .append(type(p))
          .append(" | ")
          .append(description(p))
          .append(" |\n");
      JSONSchemaProps item = "array".equals(p.getType()) ? p.getItems().getSchema() : null;
      if (item != null) {
        fields(md, item, field + "[]");
      } else {
        fields(md, p, field);
      }
    }
  }

  private static String type(JSONSchemaProps p) {
    if ("array".equals(p.getType()) && p.getItems() != null && p.getItems().getSchema() != null) {
      return "[]" + type(p.getItems().getSchema());
    }
    if (p.getAdditionalProperties() != null && p.getAdditionalProperties().getSchema() != null) {
      return "map[string]" + type(p.getAdditionalProperties().getSchema());
    }
    if (Boolean.TRUE.equals(p.getXKubernetesIntOrString())) {
      return "int or string";
    }
    return p.getType() == null ? "object" : p.getType();
  }

  private static String description(JSONSchemaProps p) {
    StringBuilder d = new StringBuilder(p.getDescription() == null ? "" : p.getDescription());
    if (p.getEnum() != null && !p.getEnum().isEmpty()) {
      d.append(" One of: ")
          .append(
              p.getEnum().stream()
                  .map(v -> "`" + v.asText() + "`")
                  .collect(Collectors.joining(", ")))
          .append('.');
    }
    if (p.getDefault() != null) {
      d.append(" Default: `").append(p.getDefault().asText()).append("`.");
    }
    if (p.getMaxItems() != null) {
      d.append(" At most ").append(p.getMaxItems()).append(" items.");
    }
    if (p.getMaxProperties() != null) {
      d.append(" At most ").append(p.getMaxProperties()).append(" entries.");
    }
    if (p.getMaxLength() != null) {
      d.append(" At most ").append(p.getMaxLength()).append(" characters.");
    }
    if (p.getPattern() != null) {
      d.append(" Pattern: `").append(p.getPattern()).append("`.");
    }
    if (p.getXKubernetesValidations() != null) {
      for (ValidationRule rule : p.getXKubernetesValidations()) {
        d.append(" Checked: ").append(rule.getMessage()).append('.');
      }
    }
    return d.toString().trim().replace("|", "\\|").replace("\n", " ");
  }

  /** Object-level rules (on spec itself) go above the table. */
  private static void rules(StringBuilder md, JSONSchemaProps schema, String indent) {
    if (schema.getXKubernetesValidations() == null
        || schema.getXKubernetesValidations().isEmpty()) {
      return;
    }
    for (ValidationRule rule : schema.getXKubernetesValidations()) {
      md.append(indent).append("- Checked: ").append(rule.getMessage()).append('\n');
    }
    md.append('\n');
  }

  private static int rank(String kind) {
    int i = ORDER.indexOf(kind);
    return i < 0 ? ORDER.size() : i;
  }

  private static CustomResourceDefinition load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
