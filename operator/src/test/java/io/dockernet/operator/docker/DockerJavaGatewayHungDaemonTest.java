package io.dockernet.operator.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon that accepts connections but never answers (hung, or stopped with SIGSTOP) fails a call
 * after the timeouts instead of blocking its caller forever (found by NodeCutOffIT: the response
 * timeout alone is not enforced on unix sockets), and the call's thread is free again afterwards.
 */
class DockerJavaGatewayHungDaemonTest {

  @Test
  void aDaemonThatNeverAnswersIsUnavailableAfterTheTimeouts(@TempDir Path dir) throws Exception {
    try (Daemon daemon = new Daemon(dir.resolve("hung.sock"));
        DockerJavaGateway gateway = gateway(daemon, 1)) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> gateway.findNetwork("mynetwork"))
          .isInstanceOf(DockerUnavailableException.class)
          .hasMessageContaining("no answer within");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void aCallPastItsDeadlineGivesItsThreadBack(@TempDir Path dir) throws Exception {
    // One call thread: were it still stuck in the hung call, the next call would time out too.
    try (Daemon daemon = new Daemon(dir.resolve("hung.sock"));
        DockerJavaGateway gateway = gateway(daemon, 1)) {
      assertThatThrownBy(() -> gateway.findNetwork("mynetwork"))
          .isInstanceOf(DockerUnavailableException.class);

      daemon.answering = true;
      assertThat(gateway.findNetwork("mynetwork")).isEmpty();
    }
  }

  private static DockerJavaGateway gateway(Daemon daemon, int callThreads) {
    return DockerJavaGateway.create(
        URI.create("unix://" + daemon.socket),
        new SimpleMeterRegistry(),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        callThreads);
  }

  /**
   * A socket that accepts and stays silent until told to answer: then as Engine 20.10 to GET
   * /version and "no such network" to anything else.
   */
  private static final class Daemon implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel server;
    private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
    private volatile boolean answering;

    Daemon(Path socket) throws IOException {
      this.socket = socket;
      this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread acceptor = new Thread(this::accept, "fake-daemon");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void accept() {
      try {
        while (true) {
          SocketChannel connection = server.accept();
          accepted.add(connection);
          if (answering) {
            answerNotFound(connection);
          }
        }
      } catch (IOException closed) {
        // test over
      }
    }

    private static void answerNotFound(SocketChannel connection) throws IOException {
      ByteBuffer request = ByteBuffer.allocate(8192);
      while (!new String(request.array(), 0, request.position(), StandardCharsets.US_ASCII)
          .contains("\r\n\r\n")) {
        if (connection.read(request) < 0) {
          return;
        }
      }
      boolean version =
          new String(request.array(), 0, request.position(), StandardCharsets.US_ASCII)
              .startsWith("GET /version ");
      byte[] body =
          (version
                  ? "{\"Version\":\"20.10.24\",\"ApiVersion\":\"1.41\",\"MinAPIVersion\":\"1.12\"}"
                  : "{\"message\":\"network mynetwork not found\"}")
              .getBytes(StandardCharsets.UTF_8);
      String head =
          (version ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found")
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length
              + "\r\nConnection: close\r\n\r\n";
      connection.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
      connection.write(ByteBuffer.wrap(body));
      connection.close();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (SocketChannel c : accepted) {
        c.close();
      }
    }
  }
}
