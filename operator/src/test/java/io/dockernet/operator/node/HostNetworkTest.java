package io.dockernet.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.node.HostNetwork.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's interfaces and routes as its kernel prints them in /proc/PID/net. */
class HostNetworkTest {

  @Test
  void readsInterfacesAndRoutesLeavingOutDefaultRoutesAndLoopback(@TempDir Path net)
      throws Exception {
    Files.writeString(
        net.resolve("dev"),
        """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
          eth0: 1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
          cni0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
        """);
    Files.writeString(
        net.resolve("route"),
        """
        Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
        eth0	00000000	0100000A	0003	0	0	0	00000000	0	0	0
        eth0	0000000A	00000000	0001	0	0	0	00FFFFFF	0	0	0
        cni0	00002A0A	00000000	0001	0	0	0	0000FFFF	0	0	0
        """);
    Files.writeString(
        net.resolve("ipv6_route"),
        """
        fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
        00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0
        00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
        """);

    HostNetwork host = HostNetwork.read(net);

    assertThat(host.interfaces()).containsExactlyInAnyOrder("lo", "eth0", "cni0");
    assertThat(host.routes())
        .containsExactly(
            new Route("10.0.0.0/24", "eth0"),
            new Route("10.42.0.0/16", "cni0"),
            new Route("fd00:0000:0000:0000:0000:0000:0000:0000/64", "eth0"));
  }
}
