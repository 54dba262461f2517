package io.dockernet.operator.testbed;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The repository's Helm chart, rendered by the real helm library (helm-java) exactly as {@code helm
 * template} would, and parsed into fabric8 objects.
 */
public final class HelmChart {

  /** The Kubernetes version the chart is rendered for: the test bed's API server. */
  public static final String KUBE_VERSION = System.getProperty("kube.version", "1.34.4");

  public static final String RELEASE = "dockernet-operator";

  private final Map<String, Object> values = new LinkedHashMap<>();
  private String namespace = "dockernet-system";
  private boolean withCrds;
  private Path chartDir = Repo.chart();

  /** What the chart's {@code helm.sh/hook} annotation reads in a rendering {@link #withHooks}. */
  public static final String RENDERED_HOOK = "test.dockernet.io/hook";

  public static HelmChart chart() {
    return new HelmChart();
  }

  /** A {@code --set key=value}. */
  public HelmChart set(String key, Object value) {
    values.put(key, value);
    return this;
  }

  public HelmChart namespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  /** Also render the chart's crds/ (helm template --include-crds has no helm-java switch). */
  public HelmChart withCrds() {
    this.withCrds = true;
    return this;
  }

  /**
   * Also render the chart's hooks, which helm-java's template leaves out: from a copy of the chart
   * in {@code scratch} whose {@code helm.sh/hook} annotations are renamed {@link #RENDERED_HOOK}.
   */
  public HelmChart withHooks(Path scratch) throws IOException {
    chartDir = Repo.copyOfChart(scratch.resolve("chart"));
    try (Stream<Path> files = Files.list(chartDir.resolve("templates"))) {
      for (Path template : files.toList()) {
        Files.writeString(
            template, Files.readString(template).replace("helm.sh/hook:", RENDERED_HOOK + ":"));
      }
    }
    return this;
  }

  public String namespace() {
    return namespace;
  }

  /** {@code helm lint --strict} of the chart with its default values. */
  public static LintResult lint() {
    return new Helm(Repo.chart()).lint().strict().call();
  }

  /** {@code helm template} output, as YAML. */
  public String renderYaml() {
    TemplateCommand template =
        new Helm(chartDir)
            .template()
            .withName(RELEASE)
            .withNamespace(namespace)
            .withKubeVersion(KUBE_VERSION);
    values.forEach(template::set);
    if (!withCrds) {
      template.skipCrds();
    }
    return template.call();
  }

  /** The rendered manifests as objects (unknown kinds as generic resources). */
  public List<HasMetadata> render() {
    List<HasMetadata> items = new ArrayList<>();
    for (String document : renderYaml().split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      Object parsed =
          Serialization.unmarshal(
              new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
      items.add((HasMetadata) parsed);
    }
    return items;
  }

  /** The one rendered object of a kind and name; throws if absent. */
  public static <T extends HasMetadata> T find(
      List<HasMetadata> items, Class<T> type, String name) {
    return items.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(i -> name.equals(i.getMetadata().getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }
}
