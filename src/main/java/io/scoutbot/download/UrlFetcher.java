package io.scoutbot.download;

import io.scoutbot.config.DownloadConfig;
import io.scoutbot.fetch.FetchRequest;
import io.scoutbot.fetch.Fetched;
import io.scoutbot.fetch.Fetcher;
import io.scoutbot.fetch.JobSource;
import io.scoutbot.resource.MemoryBudget;
import java.io.IOException;
import java.net.URI;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetcher for {@link JobSource.Url} sources: a direct download when the URL is a file, yt-dlp
 * when it is a media page. Thread-safe; blocks the calling worker until the file is complete, as
 * {@link Fetcher} says. Close it at shutdown: that kills any yt-dlp still running and closes the
 * HTTP connections.
 *
 * <h2>Which way a URL goes</h2>
 * A URL whose host is one of DOWNLOAD_YTDLP_HOSTS (or a subdomain) goes straight to yt-dlp, when
 * it is installed. Any other URL is requested directly; if the answer is a page (HTML, or an HLS or
 * DASH playlist) rather than a file, and is not marked as an attachment, yt-dlp gets the URL. This
 * costs one request for a page and never sends a plain file through yt-dlp. Without yt-dlp, such
 * URLs fail for good with a message naming the Debian package.
 *
 * <h2>Governor</h2>
 * This fetcher does not wait at the governor's gate and takes no work slot: the job runner passes
 * the gate and holds a slot for the whole job before it calls any fetcher. Taking a second slot
 * here would count one job twice, and with every slot held by a job waiting for its second one,
 * nothing would ever run.
 *
 * <h2>Retries</h2>
 * A finished fetch is recorded in the job's directory, so an attempt whose upload failed finds the
 * file there and does not fetch again; a partial direct download is resumed (see {@link
 * DirectDownload}) and yt-dlp continues its own partial files.
 */
public final class UrlFetcher implements Fetcher, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UrlFetcher.class);

  private final NetGuard guard;
  private final long maxBytes;
  private final CloseableHttpClient http;
  private final DirectDownload direct;
  private final MediaDownload media;

  /**
   * The production fetcher: the system's resolver behind the guard, the system clocks.
   *
   * @param chunkSize bytes per read and write (RESOURCE_STREAMING_CHUNK_SIZE)
   * @param ytDlp what {@link YtDlp#detect} found at startup
   */
  public static UrlFetcher create(DownloadConfig config, MemoryBudget budget, int chunkSize,
      YtDlp ytDlp) {
    return new UrlFetcher(config, NetGuard.of(config.allowPrivateNetworks()), budget, chunkSize,
        ytDlp, InstantSource.system(), System::nanoTime);
  }

  /** With every seam given: the guard (and its resolver), the clocks. */
  public UrlFetcher(DownloadConfig config, NetGuard guard, MemoryBudget budget, int chunkSize,
      YtDlp ytDlp, InstantSource clock, LongSupplier nanos) {
    this.guard = guard;
    this.maxBytes = config.maxBytes();
    this.http = client(guard, config);
    this.direct = new DirectDownload(http, guard, budget, chunkSize, config, clock, nanos);
    this.media = new MediaDownload(ytDlp, guard, budget, config);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The cap is the smaller of the request's and DOWNLOAD_MAX_MB.
   */
  @Override
  public Fetched fetch(FetchRequest request) throws InterruptedException {
    if (!(request.source() instanceof JobSource.Url source)) {
      throw new IllegalArgumentException("not a URL source: " + request.source().kind());
    }
    Optional<Fetched> done = WorkFiles.readFetched(request.workDir());
    if (done.isPresent()) {
      log.info("Job {}: {} was fetched by an earlier attempt; using it", request.jobId(),
          done.get().name());
      return done.get();
    }
    URI url = source.url();
    guard.checkUrl(url);
    if (request.maxBytes() > maxBytes) {
      // DOWNLOAD_MAX_MB holds whatever cap the job was given
      request = new FetchRequest(request.jobId(), request.source(), request.name(),
          request.workDir(), maxBytes, request.progress());
    }
    Fetched fetched;
    if (media.available() && media.mediaSite(url)) {
      fetched = media.fetch(request, "a media site");
    } else {
      fetched = switch (direct.fetch(request)) {
        case DirectDownload.Outcome.Done d -> d.fetched();
        case DirectDownload.Outcome.Page p ->
            media.fetch(request, "a web page (" + p.mimeType() + ")");
      };
    }
    try {
      WorkFiles.writeFetched(request.workDir(), fetched);
    } catch (IOException e) {
      // only a retry after a failed upload would use it; that retry fetches again instead
      log.debug("Job {}: cannot record the finished fetch: {}", request.jobId(), e.toString());
    }
    return fetched;
  }

  @Override
  public void close() {
    media.close();
    http.close(CloseMode.IMMEDIATE);
  }

  /**
   * One pooled client for every download. Redirects, retries and content compression are off
   * (redirects are followed by hand, through the guard; a compressed body would break ranges and
   * the size cap), and no proxy is used: a proxy would look names up itself, past the guard.
   */
  private static CloseableHttpClient client(NetGuard guard, DownloadConfig config) {
    Timeout timeout = Timeout.of(config.timeout());
    return HttpClients.custom()
        .setConnectionManager(
            PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new GuardedDns(guard))
                .setDefaultSocketConfig(
                    SocketConfig.custom().setSoTimeout(timeout).setTcpNoDelay(true).build())
                .setDefaultConnectionConfig(
                    ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .setMaxConnTotal(64)
                .setMaxConnPerRoute(64)
                .build())
        .setDefaultRequestConfig(
            RequestConfig.custom()
                .setResponseTimeout(timeout)
                .setRedirectsEnabled(false)
                .setConnectionRequestTimeout(Timeout.ofMinutes(1))
                .build())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableContentCompression()
        .disableAuthCaching()
        .setUserAgent("ScoutBot")
        .build();
  }
}
