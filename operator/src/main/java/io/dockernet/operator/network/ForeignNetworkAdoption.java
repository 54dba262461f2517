package io.dockernet.operator.network;

import static io.dockernet.operator.network.NetworkReports.base;
import static io.dockernet.operator.network.NetworkReports.ready;

import io.dockernet.operator.api.v1alpha1.AdoptionPolicy;
import io.dockernet.operator.api.v1alpha1.DockerNetwork;
import io.dockernet.operator.api.v1alpha1.DockerNetworkSpec;
import io.dockernet.operator.api.v1alpha1.NetworkReport;
import io.dockernet.operator.docker.DockerGateway.NetworkInfo;
import io.dockernet.operator.docker.DockerGateway.NetworkRequest;
import io.dockernet.operator.network.NetworkRecreator.JournalStore;
import io.dockernet.operator.node.PassReport;
import io.dockernet.operator.node.Refusal;
import java.util.List;
import java.util.Optional;

/**
 * Takes over a same-named network the operator did not create only as the object's adoptionPolicy
 * allows, so that an admin's network is never changed without the user asking for it.
 */
final class ForeignNetworkAdoption {

  private final NodeGuard nodeGuard;
  private final NetworkReplacement replacement;

  ForeignNetworkAdoption(NodeGuard nodeGuard, NetworkReplacement replacement) {
    this.nodeGuard = nodeGuard;
    this.replacement = replacement;
  }

  /**
   * Adopts {@code actual} as it is (IfMatches), by replacing it (Recreate), or not at all (Never,
   * the default): then the report names the conflict.
   */
  PassReport<NetworkReport> adopt(
      DockerNetwork dn,
      DockerNetworkSpec spec,
      NetworkRequest desired,
      NetworkInfo actual,
      JournalStore store) {
    AdoptionPolicy policy =
        spec.adoptionPolicy == null ? AdoptionPolicy.Never : spec.adoptionPolicy;
    switch (policy) {
      case IfMatches -> {
        List<String> differences = NetworkDifferences.between(spec, desired, actual, false);
        if (differences.isEmpty()) {
          return ready(dn, actual, true)
              .normal(NetworkReason.Adopted, "took over existing Docker network " + desired.name());
        }
        PassReport<NetworkReport> out =
            PassReport.of(
                base(dn, actual),
                NetworkReason.NetworkMismatch,
                "existing Docker network "
                    + desired.name()
                    + " was not created by the operator and differs from the spec: "
                    + String.join("; ", differences));
        out.report.differences = differences;
        return out;
      }
      case Recreate -> {
        Optional<Refusal> owned = nodeGuard.protectedNetwork(actual);
        if (owned.isPresent()) {
          return owned.get().report(base(dn, actual));
        }
        // Nothing of ours is on a foreign network: every endpoint on it is put back as it was.
        return replacement.replace(
            dn,
            actual,
            desired,
            NetworkDifferences.between(spec, desired, actual, false),
            NetworkReason.AdoptedByRecreate,
            () -> AttachedEndpoints.NONE,
            store);
      }
      default -> {
        return PassReport.of(
            base(dn, actual),
            NetworkReason.NetworkExists,
            "a Docker network named "
                + desired.name()
                + " ("
                + actual.shortId()
                + ") exists on this node and was not created by dockernet-operator; set"
                + " adoptionPolicy IfMatches or Recreate to take it over");
      }
    }
  }
}
