package io.dockernet.operator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one registry a process serves on /metrics: help texts for JOSDK's meters, a dozen buckets per
 * histogram, and the JVM and process metrics (heap, GC pauses, threads, CPU, open files, uptime)
 * that tell a memory limit or a leak from an operator bug.
 */
public final class OperatorMetrics implements AutoCloseable {

  /**
   * Micrometer's names that break Prometheus naming rules (`promtool check metrics`): a CPU time in
   * "ns" (process_cpu_usage remains) and a gauge ending in "_count" (the processor count).
   */
  private static final Set<String> PROMTOOL_REFUSES =
      Set.of("process.cpu.time", "system.cpu.count");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public OperatorMetrics() {
    // Filters first: they apply only to meters registered after them.
    registry
        .config()
        .meterFilter(new HelpTexts())
        .meterFilter(new HistogramBuckets())
        .meterFilter(MeterFilter.deny(id -> PROMTOOL_REFUSES.contains(id.getName())));
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** The controller role's leader gauge, reading {@code leading} (1 while leading, else 0). */
  public void registerLeader(AtomicInteger leading) {
    Gauge.builder("dockernet.controller.leader", leading, AtomicInteger::get)
        .description("1 while this controller replica holds the leader Lease and acts, else 0")
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Stops listening for GC pauses; the registry stays readable (tests read it after a stop). */
  @Override
  public void close() {
    gc.close();
  }
}
