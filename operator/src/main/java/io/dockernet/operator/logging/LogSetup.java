package io.dockernet.operator.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.Logger;

/**
 * Logback's configuration, in code rather than logback.xml: the format and level come from the
 * environment (see {@link LogSettings}) and need no XML conditionals or extra libraries. Found by
 * logback through {@code META-INF/services}; one appender, on standard output, one event a line.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

  /**
   * ISO 8601 in UTC with milliseconds, then level, logger, MDC ({@code kind}, {@code name}, {@code
   * node} while an object is reconciled) and message. An empty MDC leaves no "[]".
   */
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{36} [%thread]"
          + "%replace( [%mdc]){' \\[\\]', ''} %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    LogSettings settings = LogSettings.DEFAULT;
    String problem = null;
    try {
      settings = LogSettings.from(System.getenv());
    } catch (IllegalArgumentException e) {
      problem = e.getMessage();
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    apply(context, settings, console);
    if (problem != null) {
      // Main refuses to start on it too; this line says why in the format that does work.
      context.getLogger(LogSetup.class).error("{}; logging as text at INFO", problem);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Sends every logger's events through {@code appender} in the format and level asked for. */
  static void apply(
      LoggerContext context, LogSettings settings, OutputStreamAppender<ILoggingEvent> appender) {
    Encoder<ILoggingEvent> encoder =
        settings.format() == LogSettings.Format.JSON ? json(context) : text(context);
    appender.setContext(context);
    appender.setName("console");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    root.setLevel(settings.level());
    settings.loggers().forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  private static Encoder<ILoggingEvent> text(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(TEXT_PATTERN);
    encoder.start();
    return encoder;
  }

  /**
   * Logstash's field names ({@code @timestamp}, {@code level}, {@code logger_name}, {@code
   * message}, {@code stack_trace} as one escaped string, MDC keys at the top level), which Loki,
   * Elasticsearch and Cloud Logging agents read without configuration.
   */
  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.setTimeZone("UTC");
    encoder.getFieldNames().setVersion("[ignore]");
    encoder.getFieldNames().setLevelValue("[ignore]");
    encoder.start();
    return encoder;
  }
}
