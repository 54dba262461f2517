package io.dockernet.operator.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP relay on loopback between one node's agent and the API server that can cut the node off:
 * while cut, bytes in either direction are held back and new connections get no answer, as when a
 * node's network drops packets (no reset, no refusal: the client only sees silence). Restoring lets
 * held bytes through, as TCP retransmission would.
 */
final class PartitionProxy implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionProxy.class);

  private final ServerSocket server;
  private final int upstreamPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile boolean cut;
  private volatile boolean closed;

  private PartitionProxy(ServerSocket server, int upstreamPort) {
    this.server = server;
    this.upstreamPort = upstreamPort;
  }

  /** Relays 127.0.0.1:(new port) to 127.0.0.1:{@code upstreamPort}. */
  static PartitionProxy start(int upstreamPort) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      PartitionProxy proxy = new PartitionProxy(server, upstreamPort);
      Thread accept = new Thread(proxy::acceptLoop, "partition-proxy-accept");
      accept.setDaemon(true);
      accept.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  /** Cuts the node off: nothing gets through until {@link #restore}. */
  void cut() {
    cut = true;
    LOG.info("partition: port {} cut off from the API server", port());
  }

  void restore() {
    synchronized (gate) {
      cut = false;
      gate.notifyAll();
    }
    LOG.info("partition: port {} restored", port());
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread t =
            new Thread(
                () -> {
                  try {
                    awaitOpen();
                    Socket upstream = new Socket();
                    upstream.connect(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort),
                        5000);
                    sockets.add(upstream);
                    pump(upstream.getInputStream(), client.getOutputStream(), client, upstream);
                    pump(client.getInputStream(), upstream.getOutputStream(), client, upstream);
                  } catch (IOException | InterruptedException e) {
                    closeQuietly(client);
                  }
                },
                "partition-proxy-connect");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("partition proxy accept failed", e);
        }
      }
    }
  }

  private void pump(InputStream in, OutputStream out, Socket a, Socket b) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  awaitOpen();
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // connection over
              } finally {
                closeQuietly(a);
                closeQuietly(b);
              }
            },
            "partition-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void awaitOpen() throws InterruptedException {
    synchronized (gate) {
      while (cut && !closed) {
        gate.wait();
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    restore();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    sockets.forEach(PartitionProxy::closeQuietly);
  }
}
