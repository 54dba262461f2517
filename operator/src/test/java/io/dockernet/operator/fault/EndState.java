package io.dockernet.operator.fault;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.ContainerAttachmentNodeState;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkNodeState;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.network.DesiredNetwork;
import io.dockernet.operator.node.LabelSelectors;
import io.dockernet.operator.testbed.TestNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The end state every fault test must reach, as a list of what is still wrong (empty: converged).
 * Compares what the API says (DockerNetworks, ContainerAttachments and their per-node reports) with
 * what every node's daemon has:
 *
 * <ul>
 *   <li>every object converged: summary observed the current generation and counts every selected
 *       node Ready;
 *   <li>on each selected node exactly one Docker network of the name, labelled as ours for this
 *       object and with the current spec hash; none on nodes not selected;
 *   <li>no duplicate network names, no managed network without a live owner that selects the node
 *       (leaked), no endpoint on a managed network that no attachment asks for (leaked);
 *   <li>every attachment's container connected exactly once with the declared address;
 *   <li>one report per (object, node), Ready, current generation, naming the Docker IDs the daemon
 *       really has; no report for an object or node that should have none.
 * </ul>
 */
final class EndState {

  private EndState() {}

  /**
   * What is wrong, one line each.
   *
   * @param nodes the nodes with an agent, by name
   * @param handAttached "node/network/container" endpoints a test made by hand on managed networks
   */
  static List<String> problems(
      KubernetesClient kube, Map<String, TestNode> nodes, Set<String> handAttached) {
    List<String> out = new ArrayList<>();
    List<DockerNetwork> networks = kube.resources(DockerNetwork.class).list().getItems();
    List<ContainerAttachment> attachments =
        kube.resources(ContainerAttachment.class).list().getItems();
    Map<String, Map<String, String>> nodeLabels = new HashMap<>();
    for (String node : nodes.keySet()) {
      Node n = kube.nodes().withName(node).get();
      nodeLabels.put(node, n == null ? null : n.getMetadata().getLabels());
    }
    Map<String, DockerNetworkNodeState> netReports = new HashMap<>();
    for (DockerNetworkNodeState s :
        kube.resources(DockerNetworkNodeState.class).list().getItems()) {
      NetworkReport st = s.getStatus();
      String key = st == null ? s.getMetadata().getName() : st.dockerNetwork + "@" + st.nodeName;
      if (netReports.put(key, s) != null) {
        out.add("two network reports for " + key);
      }
    }
    Map<String, ContainerAttachmentNodeState> attReports = new HashMap<>();
    for (ContainerAttachmentNodeState s :
        kube.resources(ContainerAttachmentNodeState.class).list().getItems()) {
      AttachmentReport st = s.getStatus();
      String key =
          st == null ? s.getMetadata().getName() : st.containerAttachment + "@" + st.nodeName;
      if (attReports.put(key, s) != null) {
        out.add("two attachment reports for " + key);
      }
    }

    Map<String, DockerNetwork> byUid = new HashMap<>();
    Map<String, DockerNetwork> byName = new HashMap<>();
    for (DockerNetwork dn : networks) {
      byUid.put(dn.getMetadata().getUid(), dn);
      byName.put(dn.getMetadata().getName(), dn);
    }
    Set<String> expectedNetReports = new HashSet<>();
    Set<String> expectedAttReports = new HashSet<>();

    for (Map.Entry<String, TestNode> entry : nodes.entrySet()) {
      String node = entry.getKey();
      DockerClient docker = entry.getValue().docker();
      List<Network> onNode;
      try {
        onNode =
            docker.listNetworksCmd().exec().stream()
                .map(n -> docker.inspectNetworkCmd().withNetworkId(n.getId()).exec())
                .toList();
      } catch (RuntimeException e) {
        out.add(node + ": daemon unreachable: " + e);
        continue;
      }
      Map<String, List<Network>> named =
          onNode.stream().collect(Collectors.groupingBy(Network::getName));
      named.forEach(
          (name, list) -> {
            if (list.size() > 1) {
              out.add(node + ": " + list.size() + " Docker networks named " + name);
            }
          });
      // Leaked managed networks: no live owner, or an owner that does not select this node.
      for (Network n : onNode) {
        Map<String, String> labels = n.getLabels() == null ? Map.of() : n.getLabels();
        if (!labels.containsKey(Keys.DOCKER_MANAGED_BY)) {
          continue;
        }
        DockerNetwork owner = byUid.get(labels.get(Keys.DOCKER_OWNER_UID));
        if (owner == null || owner.isMarkedForDeletion()) {
          // Owner and creation time tell a late write (created after the owner went) from a
          // release that skipped it.
          out.add(
              node
                  + ": leaked Docker network "
                  + n.getName()
                  + " (owner gone: "
                  + labels.get(Keys.DOCKER_OWNER_NAME)
                  + " uid "
                  + labels.get(Keys.DOCKER_OWNER_UID)
                  + ", created "
                  + (n.getCreated() == null ? "?" : n.getCreated().toInstant())
                  + ")");
        } else if (!selects(owner, nodeLabels.get(node))) {
          out.add(
              node + ": Docker network " + n.getName() + " on a node its owner does not select");
        }
      }
      for (DockerNetwork dn : networks) {
        String name = dn.getMetadata().getName();
        if (dn.isMarkedForDeletion()) {
          out.add(name + ": still being deleted, finalizers " + dn.getMetadata().getFinalizers());
          continue;
        }
        if (!selects(dn, nodeLabels.get(node))) {
          continue;
        }
        expectedNetReports.add(name + "@" + node);
        List<Network> same = named.getOrDefault(dn.dockerName(), List.of());
        if (same.size() != 1) {
          DockerNetworkNodeState r = netReports.get(name + "@" + node);
          out.add(
              node
                  + ": "
                  + same.size()
                  + " Docker networks for "
                  + name
                  + (r == null || r.getStatus() == null
                      ? ""
                      : " (report: "
                          + r.getStatus().phase
                          + "/"
                          + r.getStatus().reason
                          + " "
                          + r.getStatus().message
                          + ")"));
          continue;
        }
        Network n = same.get(0);
        Map<String, String> labels = n.getLabels() == null ? Map.of() : n.getLabels();
        String hash = DesiredNetwork.from(dn).labels().get(Keys.DOCKER_SPEC_HASH);
        if (!dn.getMetadata().getUid().equals(labels.get(Keys.DOCKER_OWNER_UID))) {
          out.add(node + ": Docker network " + n.getName() + " is not owned by " + name);
        } else if (!hash.equals(labels.get(Keys.DOCKER_SPEC_HASH))) {
          out.add(node + ": Docker network " + n.getName() + " is not at the current spec");
        }
        DockerNetworkNodeState report = netReports.get(name + "@" + node);
        if (report == null) {
          out.add(name + ": no report from " + node);
        } else {
          NetworkReport st = report.getStatus();
          if (st.phase != Phase.Ready
              || !Objects.equals(st.observedGeneration, dn.getMetadata().getGeneration())
              || !n.getId().equals(st.networkId)) {
            out.add(
                name
                    + "@"
                    + node
                    + ": report "
                    + st.phase
                    + "/"
                    + st.reason
                    + " gen "
                    + st.observedGeneration
                    + " id "
                    + st.networkId
                    + " (want Ready, gen "
                    + dn.getMetadata().getGeneration()
                    + ", id "
                    + n.getId()
                    + "): "
                    + st.message);
          }
        }
        checkEndpoints(node, n, name, attachments, handAttached, out);
      }
      for (ContainerAttachment ca : attachments) {
        checkAttachment(node, docker, ca, byName, nodeLabels, attReports, expectedAttReports, out);
      }
    }
    for (DockerNetwork dn : networks) {
      if (!dn.isMarkedForDeletion()) {
        checkSummary(dn, expectedNetReports, out);
      }
    }
    netReports.keySet().stream()
        .filter(k -> !expectedNetReports.contains(k))
        .filter(k -> nodes.containsKey(k.substring(k.indexOf('@') + 1)))
        .forEach(k -> out.add("stale network report " + k + " " + describe(netReports.get(k))));
    attReports.keySet().stream()
        .filter(k -> !expectedAttReports.contains(k))
        .filter(k -> nodes.containsKey(k.substring(k.indexOf('@') + 1)))
        .forEach(k -> out.add("stale attachment report " + k + " " + describe(attReports.get(k))));
    return out;
  }

  private static void checkSummary(
      DockerNetwork dn, Set<String> expectedReports, List<String> out) {
    String name = dn.getMetadata().getName();
    long selected = expectedReports.stream().filter(k -> k.startsWith(name + "@")).count();
    var s = dn.getStatus();
    if (s == null
        || !Objects.equals(s.observedGeneration, dn.getMetadata().getGeneration())
        || s.readyNodes == null
        || s.readyNodes != selected
        || s.desiredNodes == null
        || s.desiredNodes != selected) {
      out.add(
          name
              + ": summary "
              + (s == null ? "missing" : s.ready + " gen " + s.observedGeneration)
              + ", want "
              + selected
              + "/"
              + selected
              + " gen "
              + dn.getMetadata().getGeneration());
    }
  }

  /** Every endpoint on a managed network is one an attachment (or the test, by hand) asked for. */
  private static void checkEndpoints(
      String node,
      Network n,
      String networkObject,
      List<ContainerAttachment> attachments,
      Set<String> handAttached,
      List<String> out) {
    Map<String, Network.ContainerNetworkConfig> endpoints =
        n.getContainers() == null ? Map.of() : n.getContainers();
    for (Network.ContainerNetworkConfig e : endpoints.values()) {
      boolean declared =
          attachments.stream()
              .anyMatch(
                  ca ->
                      !ca.isMarkedForDeletion()
                          && networkObject.equals(ca.getSpec().network)
                          && e.getName().equals(ca.getSpec().container));
      if (!declared && !handAttached.contains(node + "/" + n.getName() + "/" + e.getName())) {
        out.add(node + ": leaked endpoint of " + e.getName() + " on " + n.getName());
      }
    }
  }

  /** Enough of a report to tell why it is still there: its owner, phase and reason. */
  private static String describe(io.fabric8.kubernetes.api.model.HasMetadata report) {
    var owners = report.getMetadata().getOwnerReferences();
    String owner =
        owners == null || owners.isEmpty()
            ? "no owner"
            : owners.get(0).getName() + " uid " + owners.get(0).getUid();
    Object status =
        report instanceof ContainerAttachmentNodeState a
            ? a.getStatus()
            : ((DockerNetworkNodeState) report).getStatus();
    String phase =
        status instanceof io.dockernet.operator.api.v1alpha1.NodeReport r
            ? r.phase + "/" + r.reason + " " + r.message
            : "no status";
    return "(owner "
        + owner
        + ", created "
        + report.getMetadata().getCreationTimestamp()
        + ", "
        + phase
        + ")";
  }

  private static void checkAttachment(
      String node,
      DockerClient docker,
      ContainerAttachment ca,
      Map<String, DockerNetwork> networks,
      Map<String, Map<String, String>> nodeLabels,
      Map<String, ContainerAttachmentNodeState> reports,
      Set<String> expectedReports,
      List<String> out) {
    String name = ca.getMetadata().getName();
    if (ca.isMarkedForDeletion()) {
      out.add(name + ": still being deleted");
      return;
    }
    DockerNetwork dn = networks.get(ca.getSpec().network);
    if (dn == null || !selects(dn, nodeLabels.get(node))) {
      return; // the fault tests only declare attachments to networks on the container's node
    }
    com.github.dockerjava.api.command.InspectContainerResponse c;
    try {
      c = docker.inspectContainerCmd(ca.getSpec().container).exec();
    } catch (NotFoundException absent) {
      return; // without a nodeSelector only nodes where the container exists take part
    }
    expectedReports.add(name + "@" + node);
    ContainerNetwork endpoint = c.getNetworkSettings().getNetworks().get(dn.dockerName());
    if (endpoint == null) {
      out.add(node + ": " + ca.getSpec().container + " not connected to " + dn.dockerName());
      return;
    }
    String configured =
        endpoint.getIpamConfig() == null ? null : endpoint.getIpamConfig().getIpv4Address();
    if (!Objects.equals(ca.getSpec().ipv4Address, configured)
        || !Objects.equals(ca.getSpec().ipv4Address, endpoint.getIpAddress())) {
      out.add(
          node
              + ": "
              + ca.getSpec().container
              + " on "
              + dn.dockerName()
              + " has "
              + endpoint.getIpAddress()
              + " (configured "
              + configured
              + "), want "
              + ca.getSpec().ipv4Address);
    }
    ContainerAttachmentNodeState report = reports.get(name + "@" + node);
    if (report == null) {
      out.add(name + ": no report from " + node);
      return;
    }
    AttachmentReport st = report.getStatus();
    if (st.phase != Phase.Ready
        || !Objects.equals(st.observedGeneration, ca.getMetadata().getGeneration())
        || !c.getId().equals(st.containerId)
        || !Objects.equals(endpoint.getEndpointId(), st.endpointId)) {
      out.add(
          name
              + "@"
              + node
              + ": report "
              + st.phase
              + "/"
              + st.reason
              + " endpoint "
              + st.endpointId
              + " (want Ready, endpoint "
              + endpoint.getEndpointId()
              + "): "
              + st.message);
    }
  }

  private static boolean selects(DockerNetwork dn, Map<String, String> nodeLabels) {
    return nodeLabels != null
        && LabelSelectors.matches(DesiredNetwork.specOf(dn).nodeSelector, nodeLabels);
  }
}
