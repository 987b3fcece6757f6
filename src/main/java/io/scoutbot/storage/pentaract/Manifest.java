package io.scoutbot.storage.pentaract;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The small JSON object that describes a segmented file: its size and SHA-256, and each segment's
 * path, size and CRC32C, in order. Written after every segment is stored, so its presence means the
 * file is complete. Immutable.
 *
 * <p>Why CRC32C per segment and not SHA-256: the whole file's SHA-256 already proves the download is
 * the stored file; a segment's checksum only has to catch a damaged or truncated segment early, so
 * it can be fetched again. A second SHA-256 over every byte would double the hashing CPU, the
 * dominant cost of an upload on a small host.
 */
record Manifest(
    @JsonProperty("format") String format,
    @JsonProperty("key") String key,
    @JsonProperty("size") long size,
    @JsonProperty("sha256") String sha256,
    @JsonProperty("segment_size") long segmentSize,
    @JsonProperty("segments") List<Segment> segments) {

  static final String FORMAT = "scoutbot-segments/1";
  /** Far above any real manifest (about 130 bytes per segment), low enough to read into memory. */
  static final int MAX_BYTES = 16 << 20;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern CRC32C = Pattern.compile("[0-9a-f]{8}");
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** One stored segment. */
  record Segment(
      @JsonProperty("path") String path,
      @JsonProperty("size") long size,
      @JsonProperty("crc32c") String crc32c) {}

  Manifest {
    segments = List.copyOf(segments);
  }

  static Manifest of(String key, long size, String sha256, long segmentSize, List<Segment> segments) {
    return new Manifest(FORMAT, key, size, sha256, segmentSize, segments);
  }

  byte[] toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a manifest always serialises", e);
    }
  }

  /**
   * Parses and checks a manifest read from {@code location}: known format, sizes that add up, digests
   * that look like SHA-256, and segments that live in the manifest's own folder.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static Manifest parse(byte[] json, String location) {
    Manifest m;
    try {
      m = JSON.readValue(json, Manifest.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a ScoutBot segment manifest: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    if (m == null || !FORMAT.equals(m.format())) {
      throw new IllegalArgumentException(
          "unknown manifest format " + (m == null ? "null" : m.format()) + " (expected " + FORMAT + ")");
    }
    if (m.segments().isEmpty() || !isSha256(m.sha256())) {
      throw new IllegalArgumentException("manifest has no segments or no valid SHA-256");
    }
    String folder = RemotePaths.folderOf(location) + "/";
    long total = 0;
    for (Segment s : m.segments()) {
      if (s == null || s.path() == null || !s.path().startsWith(folder)
          || s.path().indexOf('/', folder.length()) >= 0 || s.size() <= 0 || s.crc32c() == null || !CRC32C.matcher(s.crc32c()).matches()) {
        throw new IllegalArgumentException("manifest has an invalid segment entry: " + s);
      }
      total += s.size();
    }
    if (total != m.size()) {
      throw new IllegalArgumentException(
          "manifest segments add up to " + total + " bytes, not the recorded " + m.size());
    }
    return m;
  }

  private static boolean isSha256(String s) {
    return s != null && SHA256.matcher(s).matches();
  }
}
