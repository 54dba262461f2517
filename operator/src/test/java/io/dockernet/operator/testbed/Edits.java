package io.dockernet.operator.testbed;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Edits a live object the way a person re-runs {@code kubectl edit} after "the object has been
 * modified": fabric8's {@code edit} sends the resourceVersion it read (since 6.5), and the agents
 * write finalizers and the controller writes status at any moment, so a test's edit can lose that
 * race. Re-reading and applying the same change again is what the user would do.
 */
public final class Edits {
  private static final int ATTEMPTS = 10;

  private Edits() {}

  public static <T extends HasMetadata> T edit(Resource<T> object, UnaryOperator<T> change) {
    return retryOnConflict(() -> object.edit(change));
  }

  /**
   * Deletes every object of a kind, again when the API server did not answer in time: a test's
   * clean-up after a bulk test meets an API server still busy with the agents' writes, and deleting
   * again is harmless.
   */
  public static void deleteAll(Runnable delete) {
    for (int attempt = 1; ; attempt++) {
      try {
        delete.run();
        return;
      } catch (KubernetesClientException e) {
        boolean timedOut = e.getCode() == 0 && String.valueOf(e.getMessage()).contains("timeout");
        if (!timedOut || attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** Runs a write that reads the object afresh each time, again while it answers 409 Conflict. */
  public static <T> T retryOnConflict(Supplier<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
