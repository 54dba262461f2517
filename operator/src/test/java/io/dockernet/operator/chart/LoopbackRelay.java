package io.dockernet.operator.chart;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards every connection accepted on one address to another, byte for byte. Two of them let a
 * process in a node's network namespace reach the API server on the host's loopback without any
 * route between the two: TCP on the node's loopback to a unix socket (a file, visible from every
 * network namespace), and that unix socket to TCP on the host's loopback.
 *
 * <p>{@code main(tcpPort, unixSocket)} is the node side, started through {@code nsenter --net}; it
 * prints {@code listening} once it accepts connections.
 */
public final class LoopbackRelay implements AutoCloseable {

  private final ServerSocketChannel server;
  private final Thread acceptor;

  private LoopbackRelay(ServerSocketChannel server, SocketAddress target) {
    this.server = server;
    this.acceptor = new Thread(() -> acceptLoop(target), "relay-" + server);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Relays connections to {@code socket} on to {@code 127.0.0.1:port}. */
  public static LoopbackRelay unixToLoopback(Path socket, int port) throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return new LoopbackRelay(server, new InetSocketAddress("127.0.0.1", port));
  }

  /** Relays connections to {@code 127.0.0.1:port} on to {@code socket}. */
  public static LoopbackRelay loopbackToUnix(int port, Path socket) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", port));
    return new LoopbackRelay(server, UnixDomainSocketAddress.of(socket));
  }

  public static void main(String[] args) throws Exception {
    try (LoopbackRelay relay = loopbackToUnix(Integer.parseInt(args[0]), Path.of(args[1]))) {
      System.out.println("listening");
      System.out.flush();
      relay.acceptor.join();
    }
  }

  private void acceptLoop(SocketAddress target) {
    while (server.isOpen()) {
      try {
        SocketChannel in = server.accept();
        SocketChannel out = SocketChannel.open(target);
        AtomicInteger open = new AtomicInteger(2);
        pump(in, out, open);
        pump(out, in, open);
      } catch (IOException e) {
        if (server.isOpen()) {
          System.err.println("relay: " + e);
        }
      }
    }
  }

  /**
   * Copies one direction until end of stream and half-closes the other side, so that the reverse
   * direction can still finish; the last direction to end closes both channels.
   */
  private static void pump(SocketChannel from, SocketChannel to, AtomicInteger open) {
    Thread t =
        new Thread(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
              try {
                while (from.read(buffer) >= 0) {
                  buffer.flip();
                  while (buffer.hasRemaining()) {
                    to.write(buffer);
                  }
                  buffer.clear();
                }
                to.shutdownOutput();
              } catch (IOException e) {
                open.set(1); // broken: close both now
              }
              if (open.decrementAndGet() == 0) {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
