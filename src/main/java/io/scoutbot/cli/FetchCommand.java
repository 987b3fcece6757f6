package io.scoutbot.cli;

import io.scoutbot.files.Submission;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code fetch URL…}: fetches files from URLs into storage (or only queues them) and prints their codes. */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch files from http(s) URLs into storage and print their codes.",
      "Each URL becomes a durable queue job at once: a direct file is streamed to temp space, a",
      "media page goes through yt-dlp when it is installed, then the file is checked and stored.",
      "This command runs the jobs (or waits for a running serve that took them) and prints each",
      "code once the file is stored; a job that did not finish stays queued, and a restart",
      "resumes it. URLs that reach loopback or private addresses are refused unless",
      "DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true. Exit code 1 if any URL failed.",
      "With --no-wait the URLs are only queued and a running serve fetches them; job ids and",
      "codes are printed."
    })
final class FetchCommand extends ScoutCommand {

  @Parameters(arity = "1..*", paramLabel = "URL", converter = HttpUrl.class,
      description = "http or https URLs to fetch.")
  List<URI> urls;

  @Option(names = "--no-wait", description = "Only queue the URLs and print the job ids.")
  boolean noWait;

  @Override
  int run(CliContext ctx, Output out) throws InterruptedException {
    List<Submission> submissions = urls.stream().map(Submission::url).toList();
    if (noWait) {
      return Submitting.enqueue(ctx, out, root.err(), options.user, submissions,
          "Queued; a running 'scoutbot serve' fetches them. Follow with: scoutbot queue");
    }
    ProgressLine line = showsProgress(out)
        ? new ProgressLine(root.err(), "fetching " + (urls.size() == 1
            ? host(urls.getFirst()) : urls.size() + " URLs"), -1, System::nanoTime)
        : null;
    return Submitting.storeAndWait(ctx, out, root.err(), options, line, submissions,
        UploadCommand.Job.FETCH_AND_STORE);
  }

  private static String host(URI url) {
    return url.getHost() == null ? url.getScheme() + " URL" : url.getHost();
  }

  /**
   * Reads a URL argument; anything but an absolute http(s) URL with a host is bad usage (exit 2),
   * caught before any job is recorded. Stateless.
   */
  static final class HttpUrl implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      URI url;
      try {
        url = new URI(value.strip());
      } catch (URISyntaxException e) {
        // the reason and index only: the value may carry a password (user:secret@host)
        throw new TypeConversionException("not a URL (" + e.getReason() + " at index "
            + e.getIndex() + "); give an http:// or https:// address");
      }
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.isEmpty()) {
        throw new TypeConversionException("'" + value + "' has no scheme; only http:// and"
            + " https:// URLs can be fetched (e.g. https://" + value.strip() + ")");
      }
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new TypeConversionException("only http:// and https:// URLs can be fetched, not "
            + scheme + ":");
      }
      if (url.getHost() == null || url.getHost().isEmpty()) {
        throw new TypeConversionException("a " + scheme + ":// URL without a host name");
      }
      return url;
    }
  }
}
