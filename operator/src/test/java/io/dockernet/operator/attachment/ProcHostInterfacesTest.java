package io.dockernet.operator.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcHostInterfacesTest {

  @TempDir Path proc;

  @Test
  void findsTheNodeSideVethThroughTheContainersSysfsAndTheShimsInterfaceList() throws IOException {
    iface(4242, "eth0", "02:42:c6:13:01:02", 3, 4);
    iface(4242, "eth1", "02:42:c6:12:64:0a", 6, 7);
    iface(4242, "lo", "00:00:00:00:00:00", 1, 1);
    write("4242/stat", "4242 (sleep 300) S 4200 4242 4242 0 -1 4194560 100 0 0 0");
    write(
        "4200/net/igmp",
        "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
            + "1\tlo        :     1      V3\n"
            + "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
            + "4\tveth4426ed7:     1      V3\n"
            + "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
            + "71\tveth0c1c0a1:     1      V3\n" // starts as 7's line does
            + "7\tveth4d42a7a:     1      V3\n"
            + "\t\t\t\t010000E0     1 0:00000000\t\t0\n");
    ProcHostInterfaces hosts = new ProcHostInterfaces(proc);

    assertThat(hosts.hostInterfaceOf(4242, "02:42:C6:12:64:0A")).contains("veth4d42a7a");
    assertThat(hosts.hostInterfaceOf(4242, "02:42:c6:13:01:02")).contains("veth4426ed7");
    assertThat(hosts.hostInterfaceOf(4242, "02:42:00:00:00:00")).isEmpty();
    assertThat(hosts.hostInterfaceOf(0, "02:42:c6:13:01:02")).isEmpty();
    assertThat(hosts.hostInterfaceOf(9999, "02:42:c6:13:01:02")).isEmpty();
  }

  @Test
  void fallsBackToDevMcastWhenIgmpIsMissing() throws IOException {
    iface(10, "eth0", "02:42:c6:13:01:02", 3, 12);
    write("10/stat", "10 (a (b) c) S 9 10 10");
    write("9/net/dev_mcast", "12   vethabc         1     0     01005e000001\n");
    assertThat(new ProcHostInterfaces(proc).hostInterfaceOf(10, "02:42:c6:13:01:02"))
        .contains("vethabc");
  }

  private void iface(int pid, String name, String mac, int ifindex, int iflink) throws IOException {
    String dir = pid + "/root/sys/class/net/" + name + "/";
    write(dir + "address", mac + "\n");
    write(dir + "ifindex", ifindex + "\n");
    write(dir + "iflink", iflink + "\n");
  }

  private void write(String relative, String content) throws IOException {
    Path file = proc.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
