package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.testbed.Repo;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The image's JVM options, operator/jvm.options: the Dockerfile starts java with them, and a JVM
 * accepts them (a typo there would only show when the image starts).
 */
class JvmOptionsTest {

  private static final Path OPTIONS = Repo.root().resolve("operator/jvm.options");

  @Test
  void theImageStartsJavaWithTheOptionsFile() throws Exception {
    assertThat(Files.readString(Repo.root().resolve("Dockerfile")))
        .contains("COPY operator/jvm.options /opt/dockernet/jvm.options")
        .contains("ENTRYPOINT [\"java\", \"@/opt/dockernet/jvm.options\", \"-jar\"");
    assertThat(Files.readAllLines(Repo.root().resolve(".dockerignore")))
        .contains("!operator/jvm.options");
  }

  @Test
  void aJvmStartsWithThemUnderTheChartsMemoryLimit() throws Exception {
    Process java =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + OPTIONS,
                "-XX:MaxRAM=384m",
                "-XX:+PrintFlagsFinal",
                "-version")
            .redirectErrorStream(true)
            .start();
    String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(java.exitValue()).as(output).isZero();
    assertThat(output)
        .containsPattern("bool UseSerialGC\\s+= true\\s+\\{product\\} \\{command line\\}")
        .containsPattern("intx TieredStopAtLevel\\s+= 1\\s+\\{product\\} \\{command line\\}");
  }

  @Test
  void nettyPoolsItsBuffersInOneSmallArenaOfEachKind() throws Exception {
    Process java =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + OPTIONS,
                "-cp",
                System.getProperty("java.class.path"),
                NettyArenas.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("direct arenas 1, heap arenas 1, chunk 1048576 bytes");
  }

  /** Prints how Netty's pooled allocators (Vert.x's included) size themselves in this JVM. */
  public static final class NettyArenas {
    public static void main(String[] args) {
      PooledByteBufAllocator pooled = new PooledByteBufAllocator(true);
      System.out.printf(
          "direct arenas %d, heap arenas %d, chunk %d bytes%n",
          pooled.metric().numDirectArenas(),
          pooled.metric().numHeapArenas(),
          pooled.metric().chunkSize());
    }
  }
}
