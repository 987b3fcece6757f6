package io.scoutbot.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .env} file: {@code KEY=value} lines, {@code #} comments, an optional {@code export }
 * prefix, and values in matching single or double quotes (quotes removed; no escapes or expansion
 * inside). An unquoted value ends at {@code " #"}. Stateless.
 */
final class DotEnv {

  private DotEnv() {}

  static Map<String, String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read .env file (" + e.getMessage() + ")"));
    }
  }

  static Map<String, String> parse(List<String> lines, String source) {
    Map<String, String> out = new LinkedHashMap<>();
    int lineNo = 0;
    for (String raw : lines) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).stripLeading();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        // only the first word: the rest of a malformed line may well be a password
        String first = line.split("\\s", 2)[0];
        throw new ConfigException(List.of(source + ":" + lineNo + ": expected KEY=value, found '"
            + first + (first.length() < line.length() ? " …'" : "'")));
      }
      String key = line.substring(0, eq).strip();
      out.put(key, value(line.substring(eq + 1).strip()));
    }
    return out;
  }

  private static String value(String v) {
    if (v.length() >= 2) {
      char q = v.charAt(0);
      if ((q == '"' || q == '\'') && v.indexOf(q, 1) > 0) {
        return v.substring(1, v.indexOf(q, 1));
      }
    }
    int comment = v.indexOf(" #");
    return (comment >= 0 ? v.substring(0, comment) : v).strip();
  }
}
