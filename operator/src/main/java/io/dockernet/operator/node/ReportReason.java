package io.dockernet.operator.node;

import io.dockernet.operator.api.v1alpha1.Phase;

/**
 * A reason a node's report gives, stored as its {@link #name()}: one enum per kind ({@code
 * NetworkReason}, {@code AttachmentReason}) and {@link NodeReason} for both, so that the README's
 * phase and troubleshooting tables are generated from the words the agents actually write.
 */
public interface ReportReason {

  /** The one CamelCase word the report's {@code reason} holds. */
  String name();

  /** The phase a report with this reason is in. */
  Phase phase();

  /**
   * For the API section's phase tables, a few words of Markdown the name does not say, or empty:
   * {@link #help()} is a paragraph, too long for a list of reasons.
   */
  String summary();

  /** For users, one paragraph of Markdown: what it means, what to do. */
  String help();

  /** Whether a report's {@code reason} is this one. */
  default boolean is(String reported) {
    return name().equals(reported);
  }

  /** The help text as one paragraph, however it was wrapped in the source. */
  static String paragraph(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }
}
