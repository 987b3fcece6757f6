package io.scoutbot.fetch;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a job's bytes come from. Immutable. A local file exists on one node only, so such a job is
 * pinned to it; a URL or a Telegram file can be fetched from anywhere, so those jobs run on any node.
 */
public sealed interface JobSource {

  /** The kind as stored in the database. */
  String kind();

  /** The reference as stored in the database: a path, a URL or a file id. */
  String ref();

  /** The node that must run the job, or null when any node can. */
  String node();

  /**
   * A file on one node's disk.
   *
   * @param owned whether the job owns the file (a copy in temp space): it is deleted once the job
   *     completes, fails for good or is cancelled; a file the user still owns is never deleted
   */
  record LocalFile(Path path, String node, boolean owned) implements JobSource {
    public LocalFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(node, "node");
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException("a job's file must be an absolute path: " + path);
      }
    }

    @Override
    public String kind() {
      return "local_file";
    }

    @Override
    public String ref() {
      return path.toString();
    }
  }

  /** A file to download from a URL (HTTP(S), or a media page yt-dlp knows). */
  record Url(URI url) implements JobSource {
    public Url {
      Objects.requireNonNull(url, "url");
    }

    @Override
    public String kind() {
      return "url";
    }

    @Override
    public String ref() {
      return url.toString();
    }

    @Override
    public String node() {
      return null;
    }
  }

  /** A file a user sent the bot, by its Telegram file id. */
  record TelegramFile(String fileId) implements JobSource {
    public TelegramFile {
      Objects.requireNonNull(fileId, "fileId");
    }

    @Override
    public String kind() {
      return "telegram";
    }

    @Override
    public String ref() {
      return fileId;
    }

    @Override
    public String node() {
      return null;
    }
  }

  /** Rebuilds a source from its database columns. */
  static JobSource of(String kind, String ref, String node, boolean owned) {
    return switch (kind) {
      case "local_file" -> new LocalFile(Path.of(ref), node, owned);
      case "url" -> new Url(URI.create(ref));
      case "telegram" -> new TelegramFile(ref);
      default -> throw new IllegalArgumentException("unknown job source kind: " + kind);
    };
  }
}
