package io.dockernet.operator.attachment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the host-side veth through {@code /proc}, without netlink or entering namespaces:
 *
 * <ol>
 *   <li>the container's own sysfs ({@code /proc/PID/root/sys/class/net}, mounted by the runtime
 *       inside the container's network namespace) gives the interface with the endpoint's MAC and
 *       its {@code iflink}: the ifindex of its peer;
 *   <li>the peer lives in the network namespace of the container's parent, the runtime shim, which
 *       is the Docker daemon's (the node's host namespace in a cluster, the node's own namespace in
 *       the test bed); {@code /proc/SHIM/net/igmp} lists every interface of that namespace with its
 *       ifindex ({@code dev_mcast} as a fallback).
 * </ol>
 *
 * <p>Needs the node's PID namespace (DaemonSet {@code hostPID: true}) and permission to read
 * another process's root ({@code CAP_SYS_PTRACE}, which root in a privileged pod has); without them
 * the host interface is simply not reported.
 */
public final class ProcHostInterfaces implements HostInterfaces {

  private static final Logger LOG = LoggerFactory.getLogger(ProcHostInterfaces.class);

  private final Path proc;

  public ProcHostInterfaces(Path proc) {
    this.proc = proc;
  }

  /** Reads the real {@code /proc}. */
  public static ProcHostInterfaces system() {
    return new ProcHostInterfaces(Path.of("/proc"));
  }

  @Override
  public Optional<String> hostInterfaceOf(int pid, String macAddress) {
    if (pid <= 0 || macAddress == null) {
      return Optional.empty();
    }
    try {
      Optional<Integer> peer = peerIndex(pid, macAddress.toLowerCase(Locale.ROOT));
      if (peer.isEmpty()) {
        return Optional.empty();
      }
      int parent = parentOf(pid);
      return nameOf(proc.resolve(parent + "/net/igmp"), peer.get(), true)
          .or(() -> nameOf(proc.resolve(parent + "/net/dev_mcast"), peer.get(), false));
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot find the host interface of pid {} ({})", pid, e.toString());
      return Optional.empty();
    }
  }

  private Optional<Integer> peerIndex(int pid, String mac) throws IOException {
    Path net = proc.resolve(pid + "/root/sys/class/net");
    try (Stream<Path> interfaces = Files.list(net)) {
      for (Path dir : interfaces.toList()) {
        if (mac.equals(read(dir.resolve("address")).toLowerCase(Locale.ROOT))) {
          int ifindex = Integer.parseInt(read(dir.resolve("ifindex")));
          int iflink = Integer.parseInt(read(dir.resolve("iflink")));
          // A veth's iflink is its peer; an interface without a peer points at itself.
          return iflink == ifindex ? Optional.empty() : Optional.of(iflink);
        }
      }
    }
    return Optional.empty();
  }

  private int parentOf(int pid) throws IOException {
    String stat = read(proc.resolve(pid + "/stat"));
    // pid (comm) state ppid ...; comm may contain spaces and parentheses.
    String afterComm = stat.substring(stat.lastIndexOf(')') + 2);
    return Integer.parseInt(afterComm.split(" ")[1]);
  }

  /**
   * igmp: "IDX\tNAME : COUNT ..." lines for every interface; dev_mcast: "IDX NAME ..." lines for
   * interfaces with multicast addresses.
   */
  static Optional<String> nameOf(Path file, int index, boolean igmp) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    String wanted = String.valueOf(index);
    for (String line : lines) {
      if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
        continue; // igmp's group lines are indented
      }
      // Only the interface's own line is split: a node with a thousand endpoints lists a thousand
      // interfaces, and the agent reads the list once per connect.
      String trimmed = line.trim();
      if (!trimmed.startsWith(wanted)
          || trimmed.length() == wanted.length()
          || !Character.isWhitespace(trimmed.charAt(wanted.length()))) {
        continue;
      }
      String[] fields = trimmed.split("\\s+");
      if (fields.length < 2) {
        continue;
      }
      String name = fields[1];
      if (igmp && name.endsWith(":")) {
        name = name.substring(0, name.length() - 1);
      }
      return Optional.of(name);
    }
    return Optional.empty();
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }
}
