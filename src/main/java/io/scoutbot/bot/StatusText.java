package io.scoutbot.bot;

import io.scoutbot.files.FileView;
import io.scoutbot.files.JobEvent;
import io.scoutbot.files.JobView;
import io.scoutbot.files.Sizes;
import io.scoutbot.telegram.Html;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a job's status message says at each event: queued (position, ETA), waiting (why), moving
 * bytes (bar, speed, ETA), stored (code, name, size) or failed (why). User text is escaped.
 * Stateless.
 */
final class StatusText {

  private static final int BAR_WIDTH = 12;

  private StatusText() {}

  /**
   * The text for {@code event} as of {@code now}.
   *
   * @param stored the catalog's entry for a completed job's file, asked when the event does not
   *     carry a stored one: "✅ Stored" is said only when the catalog says so
   */
  static Html of(JobEvent event, Instant now, Function<JobView, Optional<FileView>> stored) {
    JobView j = event.job();
    Html head = Html.format("<b>%s</b>", j.name());
    return switch (event) {
      case JobEvent.Queued q -> Html.format("⏳ %s\nQueued: number %d in line%s", head,
          q.position(), eta(q.eta(), now, ", done in about "));
      case JobEvent.Started s -> Html.format("⚙️ %s\nStarting…", head);
      case JobEvent.Waiting w -> Html.format("⏸ %s\nWaiting for resources: %s", head, w.reason());
      case JobEvent.Progress p -> progress(head, p, now);
      case JobEvent.Retrying r -> Html.format("🔁 %s\nThat attempt failed: %s\nTrying again%s",
          head, r.reason(), eta(r.at(), now, " in "));
      case JobEvent.Blocked b -> Html.format(
          "⛔ %s\nWaiting for the operator to fix the setup: %s\nYour file is kept and goes on"
              + " by itself once that is fixed.", head, b.reason());
      case JobEvent.Completed c -> completed(head, j, c.file(), stored);
      case JobEvent.Delivered d -> Html.format("📨 %s\nSent to this chat%s%s", head,
          j.size() >= 0 ? " (" + Sizes.human(j.size()) + ")" : "",
          d.note() == null ? Html.text("") : Html.format("\n⚠️ %s", d.note()));
      case JobEvent.Failed f -> Html.format("❌ %s\n%s%s", head,
          f.reason() == null ? "failed" : f.reason(),
          f.copyKept() ? Html.text("\nThe file is kept: the operator can run it again.")
              : Html.text(""));
      case JobEvent.Cancelled c -> Html.format("🚫 %s\nCancelled.", head);
    };
  }

  private static Html completed(Html head, JobView j, FileView file,
      Function<JobView, Optional<FileView>> stored) {
    FileView f = file != null && file.stored() ? file : stored.apply(j)
        .filter(FileView::stored).orElse(null);
    if (f == null) {
      // the job ended but the catalog does not say stored: never claim it is
      return Html.format("⚠️ %s\nThe upload ended, but the file is not listed as stored; see"
          + " <code>/storage info %s</code>.", head, j.code());
    }
    return Html.format("✅ Stored\n📄 %s\n📊 %s\n🔖 Code: <code>%s</code>\n\n"
        + "Get it back with <code>/storage download %s</code>", f.name(), Sizes.human(f.size()),
        f.code(), f.code());
  }

  private static Html progress(Html head, JobEvent.Progress p, Instant now) {
    String what = switch (p.phase()) {
      case "fetching" -> "📥 Downloading";
      case "storing" -> "📤 Storing";
      case "sending" -> "📤 Sending to this chat";
      default -> "⚙️ " + p.phase();
    };
    StringBuilder line = new StringBuilder();
    if (p.total() > 0) {
      double share = Math.min(1.0, (double) p.bytes() / p.total());
      int filled = (int) Math.round(share * BAR_WIDTH);
      line.append('[').append("█".repeat(filled)).append("░".repeat(BAR_WIDTH - filled))
          .append("] ").append(String.format(Locale.ROOT, "%.0f%%", share * 100)).append('\n')
          .append(Sizes.human(p.bytes())).append(" of ").append(Sizes.human(p.total()));
    } else {
      line.append(Sizes.human(p.bytes()));
    }
    if (p.bytesPerSecond() > 0) {
      line.append(" · ").append(Sizes.human((long) p.bytesPerSecond())).append("/s");
    }
    line.append(eta(p.eta(), now, " · ETA "));
    return Html.format("%s %s\n%s", Html.text(what), head, line.toString());
  }

  /** {@code prefix} and the time from now to {@code at}, or nothing when unknown. */
  static String eta(Instant at, Instant now, String prefix) {
    if (at == null) {
      return "";
    }
    return prefix + duration(Duration.between(now, at));
  }

  /** {@code 45 s}, {@code 3 min 05 s}, {@code 2 h 10 min}. */
  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}
