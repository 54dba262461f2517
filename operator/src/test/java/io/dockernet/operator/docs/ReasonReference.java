package io.dockernet.operator.docs;

import io.dockernet.operator.attachment.AttachmentReason;
import io.dockernet.operator.network.NetworkReason;
import io.dockernet.operator.node.NodeReason;
import io.dockernet.operator.node.ReportReason;
import java.util.List;

/**
 * Renders the per-node reason tables of README.md's Troubleshooting section from the reason enums,
 * between {@link #BEGIN} and {@link #END}; the rest of the README is left as written. {@code
 * hack/update-reason-docs.sh} writes it; {@link ReasonReferenceTest} fails on drift.
 */
public final class ReasonReference {

  public static final String BEGIN =
      "<!-- generated: node report reasons (hack/update-reason-docs.sh) -->";
  public static final String END = "<!-- end generated -->";

  /** A kind's reasons and the sentence that introduces its table. */
  record Table(String intro, List<? extends ReportReason> reasons) {}

  static final List<Table> TABLES =
      List.of(
          new Table(
              "A DockerNetwork's report on a node (`kubectl get dnetns`):",
              List.of(NetworkReason.values())),
          new Table(
              "A ContainerAttachment's report on a node (`kubectl get cattns`):",
              List.of(AttachmentReason.values())),
          new Table("Either kind's report:", List.of(NodeReason.values())));

  private ReasonReference() {}

  /** Every reason a node's report can give, in the README's order. */
  public static List<ReportReason> all() {
    return TABLES.stream().<ReportReason>flatMap(t -> t.reasons().stream()).toList();
  }

  /** {@code readme} with the part between the markers generated afresh. */
  public static String into(String readme) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("README.md lacks the markers " + BEGIN + " ... " + END);
    }
    return readme.substring(0, begin) + render() + readme.substring(end);
  }

  /** The generated part, from the opening marker up to (not including) the closing one. */
  static String render() {
    StringBuilder md = new StringBuilder(BEGIN).append('\n');
    md.append(
        "<!-- Do not edit: the text is in NetworkReason, AttachmentReason and NodeReason. -->\n");
    for (Table table : TABLES) {
      md.append('\n').append(table.intro()).append("\n\n");
      md.append("| you see | what it means, what to do |\n|---|---|\n");
      for (ReportReason reason : table.reasons()) {
        md.append("| `")
            .append(reason.phase())
            .append("` / `")
            .append(reason.name())
            .append("` | ")
            .append(reason.help().replace("|", "\\|"))
            .append(" |\n");
      }
    }
    return md.append('\n').toString();
  }
}
