package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon that accepts connections but never answers (hung, or stopped with SIGSTOP) fails a call
 * after the timeouts instead of blocking its caller forever (found by NodeCutOffIT: the response
 * timeout alone is not enforced on unix sockets).
 */
class DockerJavaGatewayHungDaemonTest {

  @Test
  void aDaemonThatNeverAnswersIsUnavailableAfterTheTimeouts(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("hung.sock");
    List<SocketChannel> accepted = new ArrayList<>();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(server.accept()); // and never answer
                  }
                } catch (Exception closed) {
                  // test over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      try (DockerJavaGateway gateway =
          DockerJavaGateway.create(
              URI.create("unix://" + socket),
              new SimpleMeterRegistry(),
              Duration.ofMillis(500),
              Duration.ofSeconds(1))) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> gateway.findNetwork("mynetwork"))
            .isInstanceOf(DockerUnavailableException.class)
            .hasMessageContaining("no answer within");
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isLessThan(Duration.ofSeconds(10));
      }
    } finally {
      for (SocketChannel c : accepted) {
        c.close();
      }
    }
  }
}
