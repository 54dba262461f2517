package io.dockernet.operator.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the docker-java clients of one daemon address, one set per API version: the version is
 * fixed when a client is built, so speaking another one takes new clients.
 */
final class DockerClientFactory {

  /** Logs as the gateway: what operators see of the Docker connection is under one logger. */
  private static final Logger LOG = LoggerFactory.getLogger(DockerJavaGateway.class);

  /** The request side: a docker-java client and the raw API over the same HTTP client. */
  record Requests(DockerClient client, DockerRawApi raw) {}

  private final URI dockerHost;
  private final Duration connectTimeout;
  private final Duration responseTimeout;

  DockerClientFactory(URI dockerHost, Duration connectTimeout, Duration responseTimeout) {
    this.dockerHost = dockerHost;
    this.connectTimeout = connectTimeout;
    this.responseTimeout = responseTimeout;
  }

  /** Clients for ordinary requests, which time out. */
  Requests requests(ApiVersion version) {
    DockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(dockerHost)
            .connectionTimeout(connectTimeout)
            .responseTimeout(responseTimeout)
            .build();
    return new Requests(
        DockerClientImpl.getInstance(config(version), http),
        new DockerRawApi(http, version.toString()));
  }

  /** A client for the event stream, which is silent for as long as nothing happens. */
  DockerClient events(ApiVersion version) {
    // A response timeout would cut a quiet stream.
    return DockerClientImpl.getInstance(
        config(version),
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(dockerHost)
            .connectionTimeout(connectTimeout)
            .build());
  }

  /**
   * Built field by field rather than from createDefaultConfigBuilder(), which would also read
   * DOCKER_* variables and ~/.docker-java.properties of whatever machine the operator runs on.
   */
  private DockerClientConfig config(ApiVersion version) {
    return new DefaultDockerClientConfig.Builder()
        .withDockerHost(dockerHost.toString())
        .withApiVersion(RemoteApiVersion.create(version.major(), version.minor()))
        .withDockerTlsVerify(false)
        .build();
  }

  static void closeQuietly(DockerClient client) {
    if (client == null) {
      return;
    }
    try {
      client.close();
    } catch (IOException e) {
      LOG.debug("Closing a docker-java client failed", e);
    }
  }
}
