package io.dockernet.operator.logging;

import ch.qos.logback.classic.Level;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the process logs, from {@code DOCKERNET_LOG_FORMAT} ({@code text}, the default, or {@code
 * json}) and {@code DOCKERNET_LOG_LEVEL} ({@code trace|debug|info|warn|error}, default info). The
 * level may be followed by {@code ,logger=level} pairs for single packages, e.g. {@code
 * info,io.dockernet.operator.node=debug}: debugging one part without the Docker client's wire log.
 *
 * @param loggers levels of single loggers (and the loggers below them), beside the root's
 */
public record LogSettings(Format format, Level level, Map<String, Level> loggers) {

  public static final String FORMAT_VARIABLE = "DOCKERNET_LOG_FORMAT";
  public static final String LEVEL_VARIABLE = "DOCKERNET_LOG_LEVEL";
  public static final LogSettings DEFAULT = new LogSettings(Format.TEXT, Level.INFO, Map.of());

  /** One event a line either way; JSON for log pipelines, text for people. */
  public enum Format {
    TEXT,
    JSON
  }

  /** Reads both variables; an unknown value is an error that names the variable. */
  public static LogSettings from(Map<String, String> env) {
    String levels = env.get(LEVEL_VARIABLE);
    if (levels == null || levels.isBlank()) {
      return new LogSettings(format(env.get(FORMAT_VARIABLE)), DEFAULT.level(), Map.of());
    }
    String[] parts = levels.split(",");
    Map<String, Level> loggers = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String[] pair = parts[i].split("=", 2);
      if (pair.length != 2 || pair[0].isBlank()) {
        throw new IllegalArgumentException(
            LEVEL_VARIABLE + ": '" + parts[i] + "' is not logger=level");
      }
      loggers.put(pair[0].trim(), level(pair[1]));
    }
    return new LogSettings(format(env.get(FORMAT_VARIABLE)), level(parts[0]), Map.copyOf(loggers));
  }

  private static Format format(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT.format();
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> Format.TEXT;
      case "json" -> Format.JSON;
      default ->
          throw new IllegalArgumentException(
              FORMAT_VARIABLE + " must be text or json, not '" + text + "'");
    };
  }

  private static Level level(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT.level();
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "trace" -> Level.TRACE;
      case "debug" -> Level.DEBUG;
      case "info" -> Level.INFO;
      case "warn", "warning" -> Level.WARN;
      case "error" -> Level.ERROR;
      default ->
          throw new IllegalArgumentException(
              LEVEL_VARIABLE + " must be trace, debug, info, warn or error, not '" + text + "'");
    };
  }
}
