package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An existing container that should be connected to a DockerNetwork on each node it runs on.
 * Printer columns are listed in the order kubectl shows them.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames("catt")
@Categories(ApiGroup.CATEGORY)
@JsonClassDescription(
    "An existing container connected to a DockerNetwork (`docker network connect`) with exactly"
        + " the declared endpoint, on every node where the container exists. Each node reports in"
        + " a ContainerAttachmentNodeState; status sums them up.")
@AdditionalPrinterColumn(name = "Container", jsonPath = ".spec.container")
@AdditionalPrinterColumn(name = "Network", jsonPath = ".spec.network")
@AdditionalPrinterColumn(name = "Address", jsonPath = ".spec.ipv4Address")
@AdditionalPrinterColumn(
    name = "Nodes",
    jsonPath = ".status.ready",
    getDescription = "Nodes where the container is attached / nodes that report it")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ApiGroup.READY_STATUS)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ApiGroup.READY_REASON)
@AdditionalPrinterColumn(name = "Message", jsonPath = ApiGroup.READY_MESSAGE, priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "self.metadata.name.matches('^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$')",
    message =
        "metadata.name must be a DNS label: at most 63 lowercase letters, digits and '-', no"
            + " '.' (each node's report is named <name>.<node>)")
public class ContainerAttachment
    extends CustomResource<ContainerAttachmentSpec, ContainerAttachmentStatus> {}
