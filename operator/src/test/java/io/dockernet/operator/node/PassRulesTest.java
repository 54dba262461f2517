package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dockernet.operator.config.NodePolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules an agent ran by reach the next one through the node's heartbeat Lease, and only once
 * the agent passed over every object: a successor of an agent that stopped before then, or that
 * runs by other rules, trusts no report. On a real API server.
 */
class PassRulesTest {

  private static final String NODE = "rules-node";
  private static final String NAMESPACE = "default";

  private final KubernetesClient kube = AgentOnFakeDocker.kube();
  private final PassRules rules = PassRules.of(NodePolicy.DEFAULTS);
  private AgentHeartbeat heartbeat;

  @AfterEach
  void stop() {
    heartbeat.close();
    kube.leases().inNamespace(NAMESPACE).withName(AgentHeartbeat.leaseName(NODE)).delete();
  }

  @Test
  void theRulesAreNamedOnceEveryObjectHadItsPassAndOnlyForTheSameRules() throws Exception {
    AtomicBoolean checkedAll = new AtomicBoolean();
    heartbeat = started(checkedAll);
    assertThat(rules.sameAsBefore(kube, NAMESPACE, NODE)).as("before every pass").isFalse();

    checkedAll.set(true);

    await().atMost(AgentOnFakeDocker.SOON).until(() -> rules.sameAsBefore(kube, NAMESPACE, NODE));
    NodePolicy open = NodePolicy.DEFAULTS.withAttachments(NodePolicy.AttachmentMode.Open, false);
    assertThat(PassRules.of(open).sameAsBefore(kube, NAMESPACE, NODE))
        .as("another node policy")
        .isFalse();
  }

  @Test
  void anAgentThatStopsBeforeItsPassesLeavesNoRulesBehind() throws Exception {
    heartbeat = started(new AtomicBoolean(true));
    await().atMost(AgentOnFakeDocker.SOON).until(() -> rules.sameAsBefore(kube, NAMESPACE, NODE));
    heartbeat.close();

    heartbeat = started(new AtomicBoolean(false)); // its first renewal, before any pass

    assertThat(rules.sameAsBefore(kube, NAMESPACE, NODE)).isFalse();
  }

  private AgentHeartbeat started(AtomicBoolean checkedAll) throws Exception {
    AgentHeartbeat started = new AgentHeartbeat(kube, NAMESPACE, NODE, rules, checkedAll::get);
    started.start().get();
    return started;
  }
}
