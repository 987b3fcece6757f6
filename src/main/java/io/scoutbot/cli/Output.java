package io.scoutbot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.scoutbot.files.FileView;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes command results: one JSON document on stdout with {@code --json}, text otherwise. Errors go
 * to stderr as one line (and, with {@code --json}, also as a JSON document on stdout). Not
 * thread-safe; one per command run.
 */
final class Output {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean json;

  Output(PrintWriter out, PrintWriter err, boolean json) {
    this.out = out;
    this.err = err;
    this.json = json;
  }

  boolean json() {
    return json;
  }

  void text(String line) {
    if (!json) {
      out.println(line);
    }
  }

  void document(Object value) {
    if (json) {
      try {
        out.println(JSON.writeValueAsString(value));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render JSON output", e);
      }
    }
    out.flush();
  }

  /** One line on stderr saying what is wrong, beside a result that was printed anyway. */
  void problem(String message) {
    err.println("error: " + message);
    err.flush();
  }

  void error(String message, int exitCode) {
    err.println("error: " + message);
    err.flush();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("error", message);
      doc.put("exit_code", exitCode);
      document(doc);
    }
  }

  /** The JSON shape of a stored file, shared by every command that prints one. */
  static Map<String, Object> file(FileView f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", f.code());
    m.put("name", f.name());
    m.put("size", f.size());
    m.put("sha256", f.sha256());
    m.put("status", f.state().label());
    m.put("remote_path", f.remotePath());
    m.put("backend", f.backend());
    m.put("segments", f.segments());
    m.put("mime_type", f.mimeType());
    m.put("created_at", f.createdAt() == null ? null : f.createdAt().toString());
    m.put("completed_at", f.completedAt() == null ? null : f.completedAt().toString());
    if (f.error() != null) {
      m.put("error", f.error());
    }
    return m;
  }
}
