package io.dockernet.operator.node;

import io.dockernet.operator.Hashes;
import io.dockernet.operator.Keys;
import io.dockernet.operator.api.v1alpha1.NodeReport;
import io.dockernet.operator.docker.ApiVersion;
import io.dockernet.operator.docker.Engine;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one node's report objects (one per parent and node). Only this node's agent writes them,
 * with its own field manager, so reports of different nodes never overwrite each other.
 */
public final class ReportStore {

  private static final Logger LOG = LoggerFactory.getLogger(ReportStore.class);

  private final KubernetesClient client;
  private final String nodeName;
  private final String fieldManager;
  private final Supplier<Optional<Engine>> engine;

  /** By report kind, whether its CRD has a status subresource: see {@link #statusSubresource}. */
  private final Map<Class<?>, Boolean> statusSubresource = new ConcurrentHashMap<>();

  public ReportStore(KubernetesClient client, String nodeName) {
    this(client, nodeName, Optional::empty);
  }

  /**
   * @param engine the node's Docker Engine as last negotiated (no call to Docker), stamped on every
   *     report so that `kubectl get` shows which Engine and API version each node speaks
   */
  public ReportStore(KubernetesClient client, String nodeName, Supplier<Optional<Engine>> engine) {
    this.client = client;
    this.nodeName = nodeName;
    this.fieldManager = Keys.AGENT_FIELD_MANAGER_PREFIX + nodeName;
    this.engine = engine;
  }

  public String nodeName() {
    return nodeName;
  }

  /**
   * The report object's name for a parent on a node: {@code <parent>.<node>}. Parent names are DNS
   * labels (no dots, at most 63 characters; the CRDs say so), so the first dot separates the two
   * and no two (parent, node) pairs share a name. A node name too long for that is hashed.
   */
  public static String nameFor(String parentName, String nodeName) {
    String name = parentName + "." + nodeName;
    if (name.length() <= 253) {
      return name;
    }
    return parentName + ".h-" + Hashes.sha256Hex(nodeName, 16);
  }

  /** Whether a report written now would name the Engine and API version {@code report} names. */
  public boolean sameEngine(NodeReport report) {
    Optional<Engine> now = engine.get();
    return now.isPresent()
        ? now.get().version().equals(report.engineVersion)
            && Objects.equals(
                now.get().apiVersion().map(ApiVersion::toString).orElse(null), report.apiVersion)
        : report.engineVersion == null;
  }

  /**
   * Writes the report unless the previous one says the same. Keeps {@code lastTransitionTime} when
   * phase and reason did not change.
   *
   * <p>The writes go through {@code reports}, this node's informer of these objects: its cache
   * holds what was written at once (the next reconcile's previous report), and the events of these
   * writes do not wake the parent's reconcile again; a change by anyone else still does.
   *
   * @param previous the report currently stored, or null
   * @return the report object as stored now (the previous one when nothing changed)
   */
  public <S extends NodeReport, T extends CustomResource<Void, S>> T write(
      Supplier<T> factory,
      HasMetadata parent,
      String parentLabel,
      S report,
      T previous,
      ManagedInformerEventSource<T, ?, ?> reports) {
    report.nodeName = nodeName;
    engine
        .get()
        .ifPresent(
            e -> {
              report.engineVersion = e.version();
              report.apiVersion = e.apiVersion().map(ApiVersion::toString).orElse(null);
            });
    S before = previous == null ? null : previous.getStatus();
    boolean transition =
        before == null
            || before.phase != report.phase
            || !Objects.equals(before.reason, report.reason);
    report.lastTransitionTime =
        transition
            ? Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()
            : before.lastTransitionTime;
    if (before != null && Reports.same(before, report)) {
      return previous;
    }
    T state = identity(factory, parent, parentLabel);
    state.setStatus(report);
    if (!statusSubresource(state)) {
      // A report is all status: one apply creates or updates the object with it.
      T stored = reports.eventFilteringUpdateAndCacheResource(state, this::apply);
      if (!reportDropped(stored.getStatus(), report)) {
        return stored;
      }
      // The API server dropped the report: the CRD has a status subresource again (an earlier
      // chart's CRDs applied since discovery was asked). Asked again, and written through it.
      LOG.info(
          "The API server left report {} out of an apply: asking discovery again whether its CRD"
              + " has a status subresource",
          state.getMetadata().getName());
      statusSubresource.remove(state.getClass());
      if (!statusSubresource(state)) {
        return stored;
      }
      previous = stored;
    }
    if (previous == null) {
      reports.eventFilteringUpdateAndCacheResource(
          identity(factory, parent, parentLabel), this::apply);
    }
    try {
      return reports.eventFilteringUpdateAndCacheResource(
          state, t -> client.resource(t).subresource("status").patch(applyPatch(), t));
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        // The subresource may be gone (dropped as README, Upgrade, says, while this agent ran):
        // discovery is asked again before the pass's retry writes the report.
        statusSubresource.remove(state.getClass());
      }
      throw e;
    }
  }

  /**
   * Whether an apply left out the report it carried, as the API server does with a status in an
   * apply of the object while the CRD has a status subresource: the object is stored without a
   * report, or with another one (the report kinds' schemas default nothing, so a report the API
   * server took comes back as sent).
   */
  private static boolean reportDropped(NodeReport stored, NodeReport sent) {
    return stored == null || !Reports.same(stored, sent);
  }

  private <T extends HasMetadata> T apply(T state) {
    return client.resource(state).patch(applyPatch(), state);
  }

  private PatchContext applyPatch() {
    return new PatchContext.Builder()
        .withPatchType(PatchType.SERVER_SIDE_APPLY)
        .withFieldManager(fieldManager)
        .withForce(true)
        .build();
  }

  /**
   * Whether the report's kind still has a status subresource, which takes the report in a write of
   * its own: a CRD of an earlier build of the chart, not updated (`helm upgrade` leaves CRDs alone,
   * and a server-side apply of the new ones keeps the subresource Helm's install set). Asked of the
   * API server's discovery, which every client may read, once per kind until a write says the CRD
   * changed.
   */
  private boolean statusSubresource(HasMetadata report) {
    return statusSubresource.computeIfAbsent(
        report.getClass(),
        kind -> {
          String crd = HasMetadata.getFullResourceName(kind);
          String status = HasMetadata.getPlural(kind) + "/status";
          boolean found =
              client.getApiResources(report.getApiVersion()).getResources().stream()
                  .anyMatch(r -> status.equals(r.getName()));
          if (found) {
            LOG.warn(
                "The {} CRD still has a status subresource (from an earlier chart): each first"
                    + " report takes two writes. To drop it: kubectl patch crd {} --type=json -p"
                    + " '[{\"op\":\"remove\",\"path\":\"/spec/versions/0/subresources\"}]'"
                    + " (README, Upgrade)",
                crd,
                crd);
          }
          return found;
        });
  }

  /** The report object's name, labels and owner, without a report. */
  private <T extends HasMetadata> T identity(
      Supplier<T> factory, HasMetadata parent, String parentLabel) {
    T state = factory.get();
    state.getMetadata().setName(nameFor(parent.getMetadata().getName(), nodeName));
    state
        .getMetadata()
        .setLabels(Map.of(Keys.NODE_LABEL, nodeName, parentLabel, parentLabelValue(parent)));
    state
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion(parent.getApiVersion())
                    .withKind(parent.getKind())
                    .withName(parent.getMetadata().getName())
                    .withUid(parent.getMetadata().getUid())
                    .build()));
    return state;
  }

  /** Deletes this node's report on a parent (no error if it is gone). */
  public <T extends HasMetadata> void delete(Class<T> type, String parentName) {
    client.resources(type).withName(nameFor(parentName, nodeName)).delete();
  }

  /** Label values are at most 63 characters; longer parent names are hashed. */
  public static String parentLabelValue(HasMetadata parent) {
    String name = parent.getMetadata().getName();
    return name.length() <= 63 ? name : "h-" + Hashes.sha256Hex(name, 16).substring(0, 32);
  }
}
