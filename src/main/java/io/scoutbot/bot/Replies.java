package io.scoutbot.bot;

import io.scoutbot.files.Deletion;
import io.scoutbot.files.FilePage;
import io.scoutbot.files.FileView;
import io.scoutbot.files.JobView;
import io.scoutbot.files.Sizes;
import io.scoutbot.files.StatusReport;
import io.scoutbot.files.StorageStats;
import io.scoutbot.files.Submission;
import io.scoutbot.telegram.Html;
import io.scoutbot.telegram.Keyboard;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bot's replies to commands, in the original bot's words where it had them; user text is
 * escaped. Stateless.
 */
final class Replies {

  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd")
      .withZone(ZoneOffset.UTC);
  static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);

  private Replies() {}

  static Html refusal() {
    return Html.text("❌ You are not authorized to use this bot.");
  }

  static Html unknown(String command) {
    return Html.format("❓ Unknown command: %s. /help lists what I can do.", command);
  }

  static Html start(String userName) {
    return Html.format("👋 Hello%s! I store your files and fetch files from links.\n\n%s",
        userName == null ? "" : ", " + userName, help(false));
  }

  static Html help(boolean admin) {
    return Html.format("""
        <b>Storage</b>
        • send a file with the caption /storage (or reply /storage to one) — store it
        /storage upload &lt;url&gt; — fetch a link and store it
        /storage list [page] — your files
        /storage download &lt;code&gt; — get a file back here
        /storage info &lt;code&gt; — about one file
        /storage delete &lt;code&gt; — delete a file
        /storage stats — your statistics

        <b>Downloads</b>
        /download &lt;url&gt; — fetch a link: small files come here, large ones are stored
        /mode auto|storage|chat — where /download puts files
        /queue — your jobs, with progress
        /cancel &lt;job&gt; — cancel one%s""",
        admin ? Html.text("\n/status — the service's status (admins)") : Html.text(""));
  }

  static Html storageHelp() {
    return Html.format("""
        📦 <b>Storage</b>
        Send a file with the caption /storage, or reply /storage to a file you sent.
        /storage upload &lt;url&gt;, list [page], download &lt;code&gt;, info &lt;code&gt;, \
        delete &lt;code&gt;, stats""");
  }

  static Html notFound(String code) {
    return Html.format("❌ File not found with code: <code>%s</code>\n\nUse <code>/storage list"
        + "</code> to see your files.", code.strip().toUpperCase(Locale.ROOT));
  }

  static Html failure(String message) {
    return Html.format("❌ %s", message);
  }

  static Html specifyCode(String sub) {
    return Html.format("❌ Specify a code: <code>/storage %s ABC123</code>", sub);
  }

  /** One page of files, under Telegram's 4096 characters whatever the names. */
  static Html page(FilePage p) {
    if (p.totalFiles() == 0) {
      return Html.text("📦 No files found in your storage.\n\nStore one by sending it with the"
          + " caption /storage.");
    }
    List<Html> b = new ArrayList<>();
    b.add(Html.format("📦 <b>Your Storage</b> — page %d of %d\n\n", p.page(), p.pages()));
    for (FileView f : p.files()) {
      b.add(Html.format("📄 <code>%s</code> - %s\n   💾 %s • %s\n", f.code(), shortName(f.name()),
          Sizes.human(f.size()), DAY.format(f.createdAt())));
    }
    b.add(Html.format("\n<b>Total:</b> %d files, %s\n<i>Use </i><code>/storage download CODE"
        + "</code><i> to download a file</i>", p.totalFiles(), Sizes.human(p.totalBytes())));
    return join(b);
  }

  /** The ◀ ▶ buttons of a page, or none when there is one page. */
  static Keyboard pageButtons(FilePage p) {
    List<Keyboard.Button> row = new ArrayList<>();
    if (p.hasPrevious()) {
      row.add(new Keyboard.Button("◀ " + (p.page() - 1), "list:" + (p.page() - 1)));
    }
    if (p.hasNext()) {
      row.add(new Keyboard.Button((p.page() + 1) + " ▶", "list:" + (p.page() + 1)));
    }
    return row.isEmpty() ? Keyboard.NONE : new Keyboard(List.of(row));
  }

  /** Names are cut so that a page of long names still fits one message. */
  static String shortName(String name) {
    return name.length() <= 120 ? name : name.substring(0, 119) + "…";
  }

  static Html info(FileView f) {
    return Html.format("📄 <b>File Information</b>\n\n🔖 Code: <code>%s</code>\n📄 Name: %s\n"
        + "📊 Size: %s\n🗂 Type: %s\n📅 Uploaded: %s\n📌 State: %s%s\n\n"
        + "<i>Use </i><code>/storage download %s</code><i> to download it</i>",
        f.code(), f.name(), f.size() < 0 ? "unknown" : Sizes.human(f.size()),
        f.mimeType() == null ? "Unknown" : f.mimeType(), MINUTE.format(f.createdAt()),
        f.state().label(), f.error() == null ? "" : " (" + f.error() + ")", f.code());
  }

  static Html confirmDelete(FileView f) {
    return Html.format("⚠️ <b>Confirm Deletion</b>\n\nAre you sure you want to delete this file?"
        + "\n\n🔖 Code: <code>%s</code>\n📄 Name: %s\n📊 Size: %s\n\n"
        + "<b>This action cannot be undone!</b>", f.code(), f.name(),
        f.size() < 0 ? "unknown" : Sizes.human(f.size()));
  }

  static Keyboard deleteButtons(String code) {
    return Keyboard.row(new Keyboard.Button("✅ Yes, delete", "del:" + code),
        new Keyboard.Button("❌ Cancel", "del-no"));
  }

  static Html deleted(Deletion d) {
    FileView f = d.file();
    return Html.format("✅ File deleted successfully:\n🔖 Code: <code>%s</code>\n📄 Name: %s%s",
        f.code(), f.name(), d.leftOver() == null ? Html.text("")
            // the reason is in the log: it may name paths on the server
            : Html.text("\n\n⚠️ The storage could not remove its data yet; it is removed"
                + " automatically later. The file is gone from your list already."));
  }

  static Html stats(StorageStats s) {
    return Html.format("📊 <b>Storage Statistics</b>\n\n📦 <b>Files:</b> %d\n💾 <b>Total Size:</b>"
        + " %s\n📤 <b>Uploads (24h):</b> %d\n✅ <b>Success Rate:</b> %.1f%%%s",
        s.files(), Sizes.human(s.totalBytes()), s.uploadsLastDay(), s.successRate(),
        s.averageUploadSeconds() > 0
            ? Html.format("\n⏱️ <b>Avg Upload Time:</b> %.1fs", s.averageUploadSeconds())
            : Html.text(""));
  }

  static Html mode(Submission.Mode mode) {
    return Html.format("⚙️ /download puts files: <b>%s</b> — %s\nChange it with"
        + " <code>/mode auto|storage|chat</code>.", mode.word(), modeMeaning(mode));
  }

  static String modeMeaning(Submission.Mode mode) {
    return switch (mode) {
      case AUTO -> "small files come to this chat, large ones are stored with a code";
      case STORAGE -> "every file is stored with a code";
      case CHAT -> "every file Telegram takes comes to this chat";
    };
  }

  static Html jobs(List<JobView> jobs, Instant now) {
    if (jobs.isEmpty()) {
      return Html.text("📭 You have no jobs.");
    }
    List<Html> b = new ArrayList<>();
    b.add(Html.text("🗂 Your jobs\n"));
    for (JobView j : jobs) {
      Double percent = j.percent();
      String progress = j.state() == JobView.State.RUNNING && percent != null
          ? String.format(Locale.ROOT, " %.0f%%", percent) : "";
      String eta = j.state().finished() ? "" : StatusText.eta(j.eta(), now, ", ETA ");
      b.add(Html.format("\n<b>#%d</b> %s — %s%s%s%s", j.id(), shortName(j.name()),
          j.state().label(), progress, eta,
          j.lastError() != null && j.state() != JobView.State.COMPLETED
              ? " (" + shortName(j.lastError()) + ")" : ""));
    }
    b.add(Html.text("\n\nCancel one with /cancel <job>"));
    return join(b);
  }

  static Html status(StatusReport r) {
    StatusReport.Resources res = r.resources();
    List<Html> b = new ArrayList<>();
    b.add(Html.format("🩺 <b>ScoutBot %s</b> on %s\n\n", r.service().version(),
        r.service().nodeId()));
    b.add(Html.format("CPU: %s of %.0f%%\nMemory: %s of %.0f%%\nDisk: %s of %.0f%%\n"
        + "Throttled: %s\nLimits from: %s\nWork limit: %d of %d, %d running\n",
        pct(res.cpuUsage()), res.cpuThreshold(), pct(res.memoryUsage()), res.memoryThreshold(),
        pct(res.diskUsage()), res.diskThreshold(), res.throttled() ? "yes" : "no",
        res.limitsSource(), res.workLimit(), res.workLimitMax(), res.workInFlight()));
    b.add(Html.format("Database: %s\nStorage: %s\n", health(r.database()),
        health(r.storage())));
    if (r.queue() != null) {
      StatusReport.Queue q = r.queue();
      b.add(Html.format("Queue: %d pending, %d running, %d blocked, %d failed\n", q.pending(),
          q.running(), q.blocked(), q.failed()));
    }
    b.add(Html.format("Transfers in flight: %d\n", r.transfers().size()));
    for (StatusReport.Transfer t : r.transfers()) {
      Double p = t.percent();
      b.add(Html.format("• #%d %s — %s%s\n", t.jobId(), shortName(t.name()), t.phase(),
          p == null ? "" : String.format(Locale.ROOT, " %.0f%%", p)));
    }
    return join(b);
  }

  private static String pct(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", v);
  }

  private static String health(StatusReport.Health h) {
    return (h.up() ? "up" : "DOWN") + " (" + h.detail() + ")";
  }

  /** The pieces one after the other. */
  static Html join(List<Html> pieces) {
    return Html.format("%s".repeat(pieces.size()), pieces.toArray());
  }
}
