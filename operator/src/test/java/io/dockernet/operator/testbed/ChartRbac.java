package io.dockernet.operator.testbed;

import static org.awaitility.Awaitility.await;

import io.dockernet.operator.testbed.RunningOperators.ServiceAccounts;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts the chart's identities on an API server: its ServiceAccounts, (Cluster)Roles, bindings and
 * the finalizers-only admission policy, exactly as {@code helm template} renders them, so that code
 * can then act as those ServiceAccounts.
 */
public final class ChartRbac {

  /** The release namespace the tests install into. */
  public static final String NAMESPACE = "dockernet-system";

  private static final Set<String> KINDS =
      Set.of(
          "ServiceAccount",
          "ClusterRole",
          "ClusterRoleBinding",
          "Role",
          "RoleBinding",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding");

  private ChartRbac() {}

  /** Applies the chart's RBAC objects into {@link #NAMESPACE}; returns the roles' accounts. */
  public static ServiceAccounts install(KubernetesClient admin) {
    ensureNamespace(admin, NAMESPACE);
    List<HasMetadata> items = HelmChart.chart().namespace(NAMESPACE).render();
    items.stream()
        .filter(i -> KINDS.contains(i.getKind()))
        .forEach(
            i ->
                admin
                    .resource(i)
                    .fieldManager("dockernet-testbed")
                    .forceConflicts()
                    .serverSideApply());
    ServiceAccounts accounts =
        new ServiceAccounts(NAMESPACE, account(items, "agent"), account(items, "controller"));
    // RBAC reaches the authorizer through an informer: wait until both roles may start.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                allowed(
                        admin,
                        accounts.username(accounts.agent()),
                        "list",
                        "dockernet.io",
                        "dockernetworks",
                        null)
                    && allowed(
                        admin,
                        accounts.username(accounts.controller()),
                        "create",
                        "coordination.k8s.io",
                        "leases",
                        NAMESPACE));
    return accounts;
  }

  /**
   * The user-info extra a pod-bound ServiceAccount token carries: the node its pod runs on. Header
   * keys are percent-encoded when impersonating (the API server decodes them); a "/" is not allowed
   * in an HTTP header name.
   */
  public static final String NODE_NAME_EXTRA = "authentication.kubernetes.io%2Fnode-name";

  /** A client with the test bed's admin credentials that acts as the given user. */
  public static KubernetesClient impersonating(String kubeConfigYaml, String user) {
    return impersonating(kubeConfigYaml, user, Map.of());
  }

  /** Acting as {@code user} with user-info extras (e.g. {@link #NODE_NAME_EXTRA}). */
  public static KubernetesClient impersonating(
      String kubeConfigYaml, String user, Map<String, List<String>> extras) {
    Config config = Config.fromKubeconfig(kubeConfigYaml);
    config.setImpersonateUsername(user);
    if (!extras.isEmpty()) {
      config.setImpersonateExtras(extras);
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * Acting as the agent's ServiceAccount as its pod on {@code node} does: a pod-bound token names
   * the node, and the chart's node-scope policies hold the agent to it.
   */
  public static KubernetesClient asAgentOn(
      String kubeConfigYaml, ServiceAccounts accounts, String node) {
    return impersonating(kubeConfigYaml, accounts.username(accounts.agent()), onNode(node));
  }

  /** The extras of a pod-bound token of a pod on {@code node}. */
  public static Map<String, List<String>> onNode(String node) {
    return Map.of(NODE_NAME_EXTRA, List.of(node));
  }

  /** Creates the namespace, labelled for the hostPath the agent needs (Pod Security privileged). */
  public static void ensureNamespace(KubernetesClient admin, String name) {
    admin
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged")
                .endMetadata()
                .build())
        .fieldManager("dockernet-testbed")
        .forceConflicts()
        .serverSideApply();
  }

  /** What the authorizer says about one request of a user (a SubjectAccessReview). */
  public static boolean allowed(
      KubernetesClient admin,
      String user,
      String verb,
      String group,
      String resource,
      String namespace) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user)
            .withGroups("system:serviceaccounts", "system:authenticated")
            .withNewResourceAttributes()
            .withVerb(verb)
            .withResource(resource)
            .withGroup(group)
            .withNamespace(namespace)
            .endResourceAttributes()
            .endSpec()
            .build();
    return admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
  }

  private static String account(List<HasMetadata> items, String component) {
    return items.stream()
        .filter(ServiceAccount.class::isInstance)
        .filter(
            i -> component.equals(i.getMetadata().getLabels().get("app.kubernetes.io/component")))
        .map(i -> i.getMetadata().getName())
        .findFirst()
        .orElseThrow(() -> new AssertionError("the chart renders no " + component + " account"));
  }
}
