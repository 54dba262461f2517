package io.dockernet.operator.network;

import io.dockernet.operator.api.v1alpha1.EndpointSnapshot;
import io.dockernet.operator.api.v1alpha1.EndpointSnapshot.State;
import io.dockernet.operator.api.v1alpha1.NetworkJournal;
import io.dockernet.operator.docker.DockerConflictException;
import io.dockernet.operator.docker.DockerException;
import io.dockernet.operator.docker.DockerGateway;
import io.dockernet.operator.docker.DockerGateway.ContainerInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkEndpoint;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.docker.DockerNotFoundException;
import io.dockernet.operator.docker.DockerRejectedException;
import io.dockernet.operator.network.RecreatePlan.Blocked;
import io.dockernet.operator.network.RecreatePlan.Connect;
import io.dockernet.operator.network.RecreatePlan.Create;
import io.dockernet.operator.network.RecreatePlan.Disconnect;
import io.dockernet.operator.network.RecreatePlan.Observed;
import io.dockernet.operator.network.RecreatePlan.Record;
import io.dockernet.operator.network.RecreatePlan.Remove;
import io.dockernet.operator.network.RecreatePlan.Resolve;
import io.dockernet.operator.network.RecreatePlan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs a network replacement from its journal: asks {@link RecreatePlan} for the next steps, runs
 * them, and asks again, until every recorded endpoint is back or known lost. The journal is saved
 * before the first destructive step and whenever it learns something a restarted agent must know
 * (endpoints that joined meanwhile, a refused create). Docker being unreachable propagates: the
 * saved journal is where the next pass resumes.
 */
final class NetworkRecreator {

  /** Saves the journal in this node's report; throws if it cannot, so nothing destructive runs. */
  interface JournalStore {
    void save(NetworkJournal journal);
  }

  /** How a replacement ended (for now). */
  enum Outcome {
    /** The new network exists and every endpoint is back (or known lost). */
    DONE,
    /** Docker refused the new network; the old one is back with every endpoint. */
    ROLLED_BACK,
    /** Some endpoints are not back yet; the journal stays. */
    INCOMPLETE,
    /** Another network of the name is in the way; the journal stays. */
    BLOCKED,
    /**
     * Docker refused the new network, and putting the old one back failed too; the journal stays.
     */
    ROLLBACK_FAILED
  }

  record Result(Outcome outcome, NetworkJournal journal, String message) {
    boolean finished() {
      return outcome == Outcome.DONE || outcome == Outcome.ROLLED_BACK;
    }
  }

  /** A replacement that does not settle in this many plan rounds is retried later. */
  private static final int MAX_ROUNDS = 8;

  private final DockerGateway docker;

  NetworkRecreator(DockerGateway docker) {
    this.docker = docker;
  }

  /**
   * Runs the journal's replacement as far as it goes now.
   *
   * @param desired the network the spec asks for (its name is the network's name)
   * @param liveAttachment whether a ContainerAttachment (by name) still wants its endpoint
   */
  Result run(
      NetworkJournal journal,
      NetworkRequest desired,
      Predicate<String> liveAttachment,
      JournalStore store) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Observed observed = observe(journal, desired.name());
      List<Step> steps = RecreatePlan.next(journal, desired, observed, liveAttachment);
      if (steps.isEmpty()) {
        return finished(journal);
      }
      Optional<Result> stop = Optional.empty();
      boolean again = false;
      List<Connect> taken = new ArrayList<>();
      for (Step step : steps) {
        if (step instanceof Record r) {
          record(journal, observed.network(), r.newcomers());
          store.save(journal);
          again = true;
        } else if (step instanceof Disconnect d) {
          again = !disconnect(d, journal, store);
        } else if (step instanceof Remove r) {
          again = !remove(r, journal, store);
        } else if (step instanceof Create c) {
          stop = create(c, journal, store);
          again = true;
        } else if (step instanceof Blocked b) {
          stop = Optional.of(new Result(Outcome.BLOCKED, journal, b.message()));
        } else if (step instanceof Resolve r) {
          r.endpoint().state = r.state();
          r.endpoint().message = r.message();
        } else if (step instanceof Connect c) {
          if (!connect(c) && c.fallback() != null) {
            taken.add(c);
          }
        }
        if (again || stop.isPresent()) {
          break;
        }
      }
      // Only once every endpoint asked for its own address may Docker pick one for the rest.
      taken.forEach(this::connectWithoutAddress);
      if (stop.isPresent()) {
        return stop.get();
      }
      if (!again) {
        return finished(journal);
      }
    }
    return new Result(
        Outcome.INCOMPLETE,
        journal,
        "the network did not settle within " + MAX_ROUNDS + " rounds; trying again");
  }

  private Observed observe(NetworkJournal journal, String name) {
    NetworkInfo network = docker.findNetwork(name).orElse(null);
    Map<String, ContainerInfo> containers = new HashMap<>();
    for (EndpointSnapshot e : journal.endpoints) {
      if (e.state == null || e.state == State.Pending) {
        docker.findContainer(e.containerId).ifPresent(c -> containers.put(c.id(), c));
      }
    }
    return new Observed(network, containers);
  }

  /** Endpoints that joined the old network after the journal was started: not ours, recorded. */
  private void record(NetworkJournal journal, NetworkInfo old, List<NetworkEndpoint> newcomers) {
    Map<String, ContainerInfo> containers = new HashMap<>();
    newcomers.forEach(
        e -> docker.findContainer(e.containerId()).ifPresent(c -> containers.put(c.id(), c)));
    journal.endpoints.addAll(
        RecreateJournals.snapshots(old, newcomers, containers, containerId -> null));
  }

  /** False when Docker refused: the replacement then turns back (the journal says so). */
  private boolean disconnect(Disconnect d, NetworkJournal journal, JournalStore store) {
    try {
      docker.disconnect(d.networkId(), d.containerId(), true);
    } catch (DockerNotFoundException gone) {
      // The container or its endpoint went away meanwhile: nothing to disconnect.
    } catch (DockerConflictException | DockerRejectedException refused) {
      turnBack(journal, store, "Docker refused to disconnect " + d.containerName(), refused);
      return false;
    }
    return true;
  }

  /**
   * True when the old network is gone. When Docker refuses, either something joined it meanwhile
   * (the next round records it and disconnects it too) or the network cannot go: then the
   * replacement turns back.
   */
  private boolean remove(Remove r, NetworkJournal journal, JournalStore store) {
    try {
      docker.removeNetwork(r.networkId());
      return true;
    } catch (DockerNotFoundException gone) {
      return true;
    } catch (DockerConflictException | DockerRejectedException refused) {
      Set<String> recorded = new HashSet<>();
      journal.endpoints.forEach(e -> recorded.add(e.containerId));
      boolean joined =
          docker.findNetwork(r.networkId()).stream()
              .flatMap(n -> n.endpoints().stream())
              .anyMatch(e -> !recorded.contains(e.containerId()));
      if (!joined) {
        turnBack(journal, store, "Docker refused to remove the old network", refused);
      }
      return false;
    }
  }

  /** From now on the old network is what is put back (saved first, for a restarted agent). */
  private static void turnBack(
      NetworkJournal journal, JournalStore store, String what, RuntimeException refusal) {
    journal.rollback = what + ": " + refusal.getMessage();
    store.save(journal);
  }

  /**
   * Creates the network. A refused new network turns the journal into a rollback (saved first); a
   * refused rollback ends this pass with the journal kept.
   */
  private Optional<Result> create(Create c, NetworkJournal journal, JournalStore store) {
    try {
      docker.createNetwork(c.request());
      return Optional.empty();
    } catch (DockerConflictException | DockerRejectedException refused) {
      if (c.rollback()) {
        return Optional.of(
            new Result(
                Outcome.ROLLBACK_FAILED,
                journal,
                "Docker refused the new network ("
                    + journal.rollback
                    + ") and then refused to put the old one back: "
                    + refused.getMessage()));
      }
      journal.rollback = refused.getMessage();
      store.save(journal);
      return Optional.empty();
    }
  }

  /**
   * Connects a recorded endpoint as its step says; false when the address it asked for is taken
   * (Docker answered with a conflict). A refusal of another kind is noted on the endpoint, which
   * stays pending and is tried again on the next pass.
   */
  private boolean connect(Connect c) {
    EndpointSnapshot e = c.endpoint();
    try {
      docker.connect(c.networkId(), e.containerId, c.request());
      e.state = State.Restored;
      e.message = null;
      return true;
    } catch (DockerConflictException taken) {
      e.message = "Docker refused to reconnect it: " + taken.getMessage();
      return false;
    } catch (DockerRejectedException refused) {
      e.message = "Docker refused to reconnect it: " + refused.getMessage();
      return true;
    } catch (DockerNotFoundException gone) {
      e.message = "container or network went away while reconnecting: " + gone.getMessage();
      return true;
    }
  }

  /** A dynamic endpoint whose old address is taken gets one Docker picks. */
  private void connectWithoutAddress(Connect c) {
    EndpointSnapshot e = c.endpoint();
    try {
      docker.connect(c.networkId(), e.containerId, c.fallback());
      e.state = State.Restored;
      e.message = "its previous address was taken; Docker gave it another";
    } catch (DockerException again) {
      e.message = "Docker refused to reconnect it: " + again.getMessage();
    }
  }

  private static Result finished(NetworkJournal journal) {
    List<EndpointSnapshot> pending =
        journal.endpoints.stream()
            .filter(e -> e.state == null || e.state == State.Pending)
            .toList();
    if (!pending.isEmpty()) {
      return new Result(
          Outcome.INCOMPLETE,
          journal,
          "not reconnected yet: "
              + String.join(
                  "; ",
                  pending.stream()
                      .map(e -> EndpointSnapshots.describe(e) + ": " + e.message)
                      .toList()));
    }
    return new Result(journal.rollback == null ? Outcome.DONE : Outcome.ROLLED_BACK, journal, null);
  }
}
