package io.scoutbot.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scoutbot.files.FileView;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes command results: one JSON document on stdout with {@code --json}, text otherwise. Errors go
 * to stderr as one line (and, with {@code --json}, also as a JSON document on stdout). Not
 * thread-safe; one per command run.
 */
final class Output {

  private static final JsonFactory JSON = new JsonFactory();

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
      out.println(render(value));
    }
    out.flush();
  }

  /**
   * The document as Jackson's ObjectMapper with INDENT_OUTPUT writes it. Commands build their
   * documents from maps, lists, strings, numbers and booleans, which are written here with
   * jackson-core alone: building an ObjectMapper took about a tenth of {@code list --json}'s start.
   */
  static String render(Object value) {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.useDefaultPrettyPrinter();
      write(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render JSON output", e);
    }
    return text.toString();
  }

  private static void write(JsonGenerator g, Object value) throws IOException {
    switch (value) {
      case null -> g.writeNull();
      case String s -> g.writeString(s);
      case Boolean b -> g.writeBoolean(b);
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Double d -> g.writeNumber(d);
      case Float f -> g.writeNumber(f);
      case BigDecimal d -> g.writeNumber(d);
      case BigInteger i -> g.writeNumber(i);
      case Enum<?> e -> g.writeString(e.name());
      case Map<?, ?> m -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          write(g, e.getValue());
        }
        g.writeEndObject();
      }
      case Collection<?> c -> {
        g.writeStartArray();
        for (Object item : c) {
          write(g, item);
        }
        g.writeEndArray();
      }
      // anything else (none of today's documents) as ObjectMapper writes it, built only then
      default -> new ObjectMapper().writeValue(g, value);
    }
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
