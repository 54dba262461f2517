package io.dockernet.operator.api.v1alpha1;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.File;
import java.util.List;

/**
 * Generates the CRDs from the API classes at build time (Maven runs it in process-test-classes,
 * into target/classes/META-INF/fabric8; hack/update-crds.sh copies them to the chart's crds/).
 * fabric8's generator is driven from here rather than through its Maven plugin because the plugin
 * cannot take a post-processor, and {@link CrdConventions} does what the annotations cannot say.
 */
public final class CrdGeneration {

  /** Every kind of the API, in the order users meet them. */
  public static final List<Class<? extends CustomResource<?, ?>>> KINDS =
      List.of(
          DockerNetwork.class,
          ContainerAttachment.class,
          DockerNetworkNodeState.class,
          ContainerAttachmentNodeState.class);

  private CrdGeneration() {}

  /** Usage: CrdGeneration OUTPUT_DIR. */
  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: CrdGeneration OUTPUT_DIR");
    }
    File out = new File(args[0]);
    if (!out.isDirectory() && !out.mkdirs()) {
      throw new IllegalStateException("cannot create " + out);
    }
    int written =
        new CRDGenerator()
            .inOutputDir(out)
            .forCRDVersions("v1")
            .withPostProcessor(new CrdConventions(KINDS))
            .customResourceClasses(List.copyOf(KINDS))
            .generate();
    if (written != KINDS.size()) {
      throw new IllegalStateException("generated " + written + " CRDs, expected " + KINDS.size());
    }
  }
}
