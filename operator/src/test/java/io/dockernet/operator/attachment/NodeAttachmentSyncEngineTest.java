package io.dockernet.operator.attachment;

import static io.dockernet.operator.testbed.Fixtures.storedAttachment;
import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.api.v1alpha1.AttachmentReport;
import io.dockernet.operator.api.v1alpha1.ContainerAttachment;
import io.dockernet.operator.api.v1alpha1.Phase;
import io.dockernet.operator.attachment.NodeAttachmentSync.Target;
import io.dockernet.operator.docker.Engine;
import io.dockernet.operator.docker.FakeDockerGateway;
import io.dockernet.operator.node.PassReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An endpoint setting the node's Engine would ignore is refused before connecting. */
class NodeAttachmentSyncEngineTest {

  private final FakeDockerGateway docker = new FakeDockerGateway();
  private final NodeAttachmentSync sync =
      new NodeAttachmentSync(docker, (pid, mac) -> Optional.empty());

  @Test
  void perInterfaceSysctlsNeedEngine27() {
    docker.createNetwork(FakeDockerGateway.bridge("mynetwork", "198.18.100.0/24"));
    docker.addContainer("app", "default");
    ContainerAttachment ca = storedAttachment("app", "app", "mynetwork", "198.18.100.10");
    ca.getSpec().driverOpts =
        Map.of("com.docker.network.endpoint.sysctls", "net.ipv4.conf.IFNAME.log_martians=1");
    Target target = new Target("mynetwork", true, false, true);
    docker.resetWriteCount();

    PassReport<AttachmentReport> on2010 = sync.ensure(ca, target, List.of(), null);

    assertThat(on2010.report.phase).isEqualTo(Phase.Error);
    assertThat(on2010.report.reason).isEqualTo("UnsupportedByEngine");
    assertThat(on2010.report.message).contains("Docker Engine 27.0 (API 1.46)");
    assertThat(docker.writeCount()).isZero();

    docker.setEngine(Engine.negotiate("28.5.2+dfsg4", "1.51", "1.44"));
    assertThat(sync.ensure(ca, target, List.of(), on2010.report).report.phase)
        .isEqualTo(Phase.Ready);
  }
}
