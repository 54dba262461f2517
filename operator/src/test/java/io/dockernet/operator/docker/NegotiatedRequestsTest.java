package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import io.dockernet.operator.docker.DockerClientFactory.Requests;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One call's I/O failure replaces the request clients ({@link NegotiatedRequests#renew}); the calls
 * under way on the old ones finish on them, and they are closed after the last one (closed at once,
 * they failed healthy calls with "Connection pool shut down", as seen during a daemon restart).
 */
class NegotiatedRequestsTest {

  /** A client that only notes that it was closed. */
  private static final class Client {
    boolean closed;
    final DockerClient docker =
        (DockerClient)
            Proxy.newProxyInstance(
                DockerClient.class.getClassLoader(),
                new Class<?>[] {DockerClient.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("close")) {
                    closed = true;
                  }
                  return null;
                });
  }

  private final List<Client> made = new ArrayList<>();
  private final NegotiatedRequests requests =
      new NegotiatedRequests(
          version -> {
            Client c = new Client();
            made.add(c);
            return new Requests(c.docker, null);
          });

  @Test
  void clientsReplacedDuringACallAreClosedWhenItReturns() {
    List<Boolean> closedDuringTheCall = new ArrayList<>();

    DockerClient used =
        requests.using(
            () -> {
              requests.renew(); // another call failed
              closedDuringTheCall.add(made.get(0).closed);
              return requests.client();
            });

    assertThat(closedDuringTheCall).containsExactly(false);
    assertThat(used).as("the call kept its clients").isSameAs(made.get(0).docker);
    assertThat(made.get(0).closed).as("closed once the call returned").isTrue();
    assertThat(requests.client()).isSameAs(made.get(1).docker);
    assertThat(made.get(1).closed).isFalse();
  }

  @Test
  void clientsNoCallUsesAreClosedAtOnce() {
    requests.renew();

    assertThat(made.get(0).closed).isTrue();
    assertThat(requests.client()).isSameAs(made.get(1).docker);
  }
}
