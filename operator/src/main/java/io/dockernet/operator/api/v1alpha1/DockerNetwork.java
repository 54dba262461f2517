package io.dockernet.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Docker network that should exist on every selected node. Cluster-scoped. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames("dnet")
@AdditionalPrinterColumn(name = "Network", jsonPath = ".status.networkName")
@AdditionalPrinterColumn(name = "Driver", jsonPath = ".spec.driver")
@AdditionalPrinterColumn(name = "Subnet", jsonPath = ".spec.ipam.config[0].subnet")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value =
        "(has(self.spec) && has(self.spec.networkName)) || !(self.metadata.name in ['bridge', 'host', 'none',"
            + " 'default'])",
    message =
        "metadata.name is one of Docker's predefined networks (bridge, host, none, default):"
            + " set spec.networkName to another name")
@ValidationRule(
    value = "self.metadata.name.matches('^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$')",
    message =
        "metadata.name must be a DNS label: at most 63 lowercase letters, digits and '-', no"
            + " '.' (each node's report is named <name>.<node>)")
public class DockerNetwork extends CustomResource<DockerNetworkSpec, DockerNetworkStatus> {

  /** The Docker network name: {@code spec.networkName}, or the object's name when unset. */
  public String dockerName() {
    String name = getSpec() == null ? null : getSpec().networkName;
    return name == null || name.isEmpty() ? getMetadata().getName() : name;
  }
}
