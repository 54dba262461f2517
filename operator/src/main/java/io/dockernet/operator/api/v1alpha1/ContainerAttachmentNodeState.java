package io.dockernet.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One node's report on one ContainerAttachment, written only by that node's agent. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames("cattns")
@Categories(ApiGroup.CATEGORY)
@JsonClassDescription(
    "One node's report on one ContainerAttachment (named <attachment>.<node>), written only by"
        + " that node's agent.")
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.nodeName")
@AdditionalPrinterColumn(name = "Container", jsonPath = ".status.containerName")
@AdditionalPrinterColumn(name = "IPv4", jsonPath = ".status.ipv4Address")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.reason")
@AdditionalPrinterColumn(name = "Engine", jsonPath = ".status.engineVersion")
@AdditionalPrinterColumn(name = "API", jsonPath = ".status.apiVersion")
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ContainerAttachmentNodeState extends CustomResource<Void, AttachmentReport> {}
