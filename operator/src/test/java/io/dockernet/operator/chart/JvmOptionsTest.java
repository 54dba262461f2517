package io.dockernet.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.dockernet.operator.testbed.Repo;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        .contains(
            "COPY operator/jvm.options operator/cds-archive.sh operator/cds-start.classlist"
                + " /opt/dockernet/")
        .contains("ENTRYPOINT [\"java\", \"@/opt/dockernet/jvm.options\",");
    assertThat(Files.readAllLines(Repo.root().resolve(".dockerignore")))
        .contains(
            "!operator/jvm.options", "!operator/cds-archive.sh", "!operator/cds-start.classlist");
  }

  @Test
  void aJvmStartsWithThemUnderTheChartsMemoryLimit() throws Exception {
    assertThat(javaWithTheOptions("-XX:MaxRAM=384m", "-XX:+PrintFlagsFinal", "-version"))
        .containsPattern("bool UseSerialGC\\s+= true\\s+\\{product\\} \\{command line\\}")
        .containsPattern("intx TieredStopAtLevel\\s+= 1\\s+\\{product\\} \\{command line\\}");
  }

  @Test
  void nettyPoolsItsBuffersInOneSmallArenaOfEachKind() throws Exception {
    assertThat(
            javaWithTheOptions(
                "-cp", System.getProperty("java.class.path"), NettyArenas.class.getName()))
        .contains("direct arenas 1, heap arenas 1, chunk 1048576 bytes");
  }

  /** Runs {@code java @operator/jvm.options args...}; returns its output once it ended well. */
  private static String javaWithTheOptions(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + OPTIONS);
    command.addAll(List.of(args));
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(java.exitValue()).as(output).isZero();
    return output;
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
