package io.dockernet.operator.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A unix socket answering like a Docker daemon of any version, for what no real Engine of the test
 * bed can be: one older than 20.10, or one changing its version between two requests. It answers
 * {@code GET /version} with the versions it is given and every versioned request outside its API
 * range with the daemon's own refusal ("client version 1.41 is too old. Minimum supported API
 * version is 1.44, ..."); anything else gets {@link #otherwise}. Records every request line.
 */
public final class ScriptedDaemon implements AutoCloseable {

  private final Path socket;
  private final ServerSocketChannel server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String version;
  private volatile ApiVersion maxApi;
  private volatile ApiVersion minApi;

  /** The status and JSON body of requests this daemon has no script for. */
  public volatile int otherwiseStatus = 404;

  public volatile String otherwise = "{\"message\":\"network mynetwork not found\"}";

  public ScriptedDaemon(Path socket, String version, String maxApi, String minApi)
      throws IOException {
    this.socket = socket;
    become(version, maxApi, minApi);
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread acceptor = new Thread(this::serve, "scripted-daemon");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** From now on answers as this Engine, as a daemon restarted as another version would. */
  public void become(String version, String maxApi, String minApi) {
    this.version = version;
    this.maxApi = ApiVersion.parse(maxApi);
    this.minApi = ApiVersion.parse(minApi);
  }

  public Path socket() {
    return socket;
  }

  /** Request lines received so far, e.g. {@code GET /v1.51/networks/x}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void serve() {
    try {
      while (true) {
        SocketChannel connection = server.accept();
        Thread t = new Thread(() -> answer(connection), "scripted-daemon-connection");
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException closed) {
      // closed
    }
  }

  private void answer(SocketChannel connection) {
    try (connection) {
      while (true) {
        String head = readHead(connection);
        if (head == null) {
          return;
        }
        String line = head.substring(0, head.indexOf("\r\n"));
        requests.add(line.substring(0, line.lastIndexOf(' ')));
        skipBody(connection, head);
        String path = line.split(" ")[1];
        int status;
        String body;
        if (path.startsWith("/version")) {
          status = 200;
          body =
              String.format(
                  "{\"Version\":\"%s\",\"ApiVersion\":\"%s\",\"MinAPIVersion\":\"%s\","
                      + "\"Os\":\"linux\"}",
                  version, maxApi, minApi);
        } else if (path.matches("/v\\d+\\.\\d+/.*")) {
          ApiVersion asked = ApiVersion.parse(path.substring(1, path.indexOf('/', 1)));
          if (asked.compareTo(minApi) < 0) {
            status = 400;
            body =
                "{\"message\":\"client version "
                    + asked
                    + " is too old. Minimum supported API version is "
                    + minApi
                    + ", please upgrade your client to a newer version\"}";
          } else if (asked.compareTo(maxApi) > 0) {
            status = 400;
            body =
                "{\"message\":\"client version "
                    + asked
                    + " is too new. Maximum supported API version is "
                    + maxApi
                    + "\"}";
          } else {
            status = otherwiseStatus;
            body = otherwise;
          }
        } else {
          status = otherwiseStatus;
          body = otherwise;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String response =
            "HTTP/1.1 "
                + status
                + " X\r\nContent-Type: application/json\r\nApi-Version: "
                + maxApi
                + "\r\nContent-Length: "
                + bytes.length
                + "\r\n\r\n";
        connection.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
        connection.write(ByteBuffer.wrap(bytes));
      }
    } catch (IOException | RuntimeException gone) {
      // client went away
    }
  }

  private static String readHead(SocketChannel connection) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(1);
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      buffer.clear();
      if (connection.read(buffer) < 0) {
        return null;
      }
      head.append((char) buffer.get(0));
    }
    return head.toString();
  }

  private static void skipBody(SocketChannel connection, String head) throws IOException {
    for (String header : head.split("\r\n")) {
      if (header.toLowerCase().startsWith("content-length:")) {
        int length = Integer.parseInt(header.substring(15).trim());
        ByteBuffer body = ByteBuffer.allocate(length);
        while (body.hasRemaining() && connection.read(body) >= 0) {
          // read it all
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
  }
}
