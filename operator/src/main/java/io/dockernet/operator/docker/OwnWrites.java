package io.dockernet.operator.docker;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Docker changes one agent reconciler makes, each for the object whose pass made it, so that
 * their echo in Docker's event stream does not wake that object again: the pass already looked at
 * what it did (a network it created, a container it connected). Without this every change cost each
 * node two passes, the second finding nothing to do. The echo still wakes every other object it
 * concerns (a network removed frees its pool for one waiting on it), and an event that is not
 * exactly the echo of a change (another action, network or container) wakes as before.
 *
 * <p>A change is expected before it is asked for, since Docker may send its event before its
 * answer; one that fails, or whose event never comes (a lost stream), is forgotten after {@link
 * #KEPT}.
 */
public final class OwnWrites {

  /** The action of the event each write is echoed by. */
  private static final Map<String, String> ACTIONS =
      Map.of(
          "createNetwork", "create",
          "removeNetwork", "destroy",
          "connect", "connect",
          "disconnect", "disconnect");

  /** Far longer than an event takes to follow its change. */
  static final Duration KEPT = Duration.ofSeconds(30);

  /**
   * A change asked for: the event's action, the network (name for a create, else ID), container.
   */
  private record Expected(
      String action, String network, String container, ResourceID writer, long atNanos) {}

  private final ThreadLocal<ResourceID> writer = new ThreadLocal<>();
  private final List<Expected> expected = new ArrayList<>();

  /** Runs the pass over one object: the Docker changes made meanwhile on this thread are its. */
  public <T> T during(ResourceID object, Supplier<T> pass) {
    writer.set(object);
    try {
      return pass.get();
    } finally {
      writer.remove();
    }
  }

  /** {@code docker} with its changes recorded as the running pass's own. */
  public DockerGateway recording(DockerGateway docker) {
    return new WritesGateway() {
      @Override
      protected DockerGateway delegate() {
        return docker;
      }

      @Override
      protected <T> T write(Write write, Supplier<T> call) {
        return expecting(ACTIONS.get(write.operation()), write.network(), write.container(), call);
      }
    };
  }

  /** The objects an event wakes, less the one whose own change it echoes. */
  public Collection<ResourceID> withoutEcho(DockerEvent event, Collection<ResourceID> woken) {
    ResourceID echoOf = consume(event);
    if (echoOf == null || !woken.contains(echoOf)) {
      return woken;
    }
    Set<ResourceID> rest = new HashSet<>(woken);
    rest.remove(echoOf);
    return rest;
  }

  private <T> T expecting(String action, String network, String container, Supplier<T> change) {
    ResourceID object = writer.get();
    if (object == null) {
      return change.get(); // not a pass's change (a sweep's): its echo wakes as any event
    }
    Expected e = new Expected(action, network, container, object, System.nanoTime());
    synchronized (expected) {
      expected.add(e);
    }
    try {
      return change.get();
    } catch (RuntimeException failed) {
      synchronized (expected) {
        expected.remove(e);
      }
      throw failed;
    }
  }

  /** The object whose change the event echoes (that change then expected no more), or null. */
  private ResourceID consume(DockerEvent event) {
    if (!"network".equals(event.type())) {
      return null;
    }
    Map<String, String> attributes = event.attributes() == null ? Map.of() : event.attributes();
    String network = "create".equals(event.action()) ? attributes.get("name") : event.actorId();
    String container = attributes.get("container");
    long oldest = System.nanoTime() - KEPT.toNanos();
    synchronized (expected) {
      for (Iterator<Expected> it = expected.iterator(); it.hasNext(); ) {
        Expected e = it.next();
        if (e.atNanos() - oldest < 0) {
          it.remove();
        } else if (e.action().equals(event.action())
            && e.network().equals(network)
            && Objects.equals(e.container(), container)) {
          it.remove();
          return e.writer();
        }
      }
    }
    return null;
  }
}
