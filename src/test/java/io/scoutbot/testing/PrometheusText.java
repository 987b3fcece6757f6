package io.scoutbot.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, as documented at
 * prometheus.io/docs/instrumenting/exposition_formats: it rejects (with the line number) anything a
 * Prometheus server would not take, and a few things it would take but that signal a bug in an
 * exporter: a sample before its family's TYPE, a family split in two, a duplicate series, a histogram
 * whose buckets are not cumulative or whose +Inf bucket differs from its count. Immutable once
 * parsed.
 */
public final class PrometheusText {

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One metric family: its TYPE, HELP and sample lines. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = families;
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming the first bad line. */
  public static PrometheusText parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the last line must end with a line feed");
    }
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> closed = new java.util.HashSet<>();
    Set<String> series = new java.util.HashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      int no = i + 1;
      try {
        if (line.isBlank()) {
          continue;
        }
        if (line.startsWith("#")) {
          String[] parts = line.split(" ", 4);
          if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
            String name = parts[2];
            require(METRIC.matcher(name).matches(), "bad metric name '" + name + "'");
            current = enter(name, current, closed);
            String rest = parts.length == 4 ? parts[3] : "";
            if (parts[1].equals("TYPE")) {
              require(TYPES.contains(rest), "unknown type '" + rest + "'");
              require(types.put(name, rest) == null, "a second TYPE for " + name);
              require(!samples.containsKey(name), "TYPE of " + name + " after its samples");
            } else {
              require(helps.put(name, unescapeHelp(rest)) == null, "a second HELP for " + name);
            }
          }
          continue;
        }
        Sample s = sample(line);
        String family = familyOf(s.name(), types);
        require(family != null, "sample " + s.name() + " before any TYPE of its family");
        current = enter(family, current, closed);
        require(series.add(s.name() + new TreeMap<>(s.labels())), "duplicate series " + line);
        samples.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + no + ": " + e.getMessage() + ": " + line, e);
      }
    }
    Map<String, Family> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> t : types.entrySet()) {
      List<Sample> list = samples.getOrDefault(t.getKey(), List.of());
      if (t.getValue().equals("histogram")) {
        checkHistogram(t.getKey(), list);
      }
      out.put(t.getKey(), new Family(t.getKey(), t.getValue(), helps.get(t.getKey()),
          List.copyOf(list)));
    }
    return new PrometheusText(out);
  }

  public Map<String, Family> families() {
    return families;
  }

  /** The value of the sample {@code name} with exactly these labels ({@code k, v, k, v…}). */
  public Optional<Double> value(String name, String... labels) {
    Map<String, String> want = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    for (Family f : families.values()) {
      for (Sample s : f.samples()) {
        if (s.name().equals(name) && new TreeMap<>(s.labels()).equals(want)) {
          return Optional.of(s.value());
        }
      }
    }
    return Optional.empty();
  }

  /** As {@link #value} but fails when the sample is absent. */
  public double valueOf(String name, String... labels) {
    return value(name, labels).orElseThrow(() -> new AssertionError(
        "no sample " + name + " " + String.join(",", labels) + " in " + families.keySet()));
  }

  private static String enter(String family, String current, Set<String> closed) {
    if (!family.equals(current)) {
      require(!closed.contains(family), "family " + family + " appears in two places");
      if (current != null) {
        closed.add(current);
      }
    }
    return family;
  }

  /** The family a sample belongs to, by its TYPE's name and the suffixes its type allows. */
  private static String familyOf(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      String type = types.get(name);
      return type.equals("histogram") ? null : name;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count", "_total", "_created")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if (type == null) {
          continue;
        }
        boolean ok = switch (type) {
          case "histogram" -> !suffix.equals("_total");
          case "summary" -> suffix.equals("_sum") || suffix.equals("_count")
              || suffix.equals("_created");
          case "counter" -> suffix.equals("_total") || suffix.equals("_created");
          default -> false;
        };
        return ok ? base : null;
      }
    }
    return null;
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    require(METRIC.matcher(name).matches(), "bad metric name '" + name + "'");
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        require(i < line.length(), "unterminated label set");
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        require(eq > i, "label without '='");
        String label = line.substring(i, eq);
        require(LABEL.matcher(label).matches() && !label.startsWith("__"),
            "bad label name '" + label + "'");
        i = eq + 1;
        require(i < line.length() && line.charAt(i) == '"', "label value must be quoted");
        i++;
        StringBuilder v = new StringBuilder();
        while (true) {
          require(i < line.length(), "unterminated label value");
          char c = line.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            require(i < line.length(), "dangling escape");
            char e = line.charAt(i++);
            switch (e) {
              case '\\' -> v.append('\\');
              case '"' -> v.append('"');
              case 'n' -> v.append('\n');
              default -> throw new IllegalArgumentException("bad escape \\" + e);
            }
          } else {
            v.append(c);
          }
        }
        require(labels.put(label, v.toString()) == null, "label " + label + " twice");
        require(i < line.length(), "unterminated label set");
        if (line.charAt(i) == ',') {
          i++;
        } else {
          require(line.charAt(i) == '}', "expected ',' or '}' after a label");
        }
      }
    }
    require(i < line.length() && line.charAt(i) == ' ', "expected a space before the value");
    String[] rest = line.substring(i + 1).split(" ", -1);
    require(rest.length == 1 || rest.length == 2, "expected a value and an optional timestamp");
    double value = number(rest[0]);
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad timestamp '" + rest[1] + "'");
      }
    }
    return new Sample(name, labels, value);
  }

  private static double number(String s) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        require(s.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?"), "bad value '" + s + "'");
        return Double.parseDouble(s);
    }
  }

  private static void checkHistogram(String family, List<Sample> samples) {
    Map<Map<String, String>, List<Sample>> byLabels = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    for (Sample s : samples) {
      Map<String, String> rest = new TreeMap<>(s.labels());
      if (s.name().equals(family + "_bucket")) {
        require(rest.remove("le") != null, family + "_bucket without le");
        byLabels.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
      } else if (s.name().equals(family + "_count")) {
        counts.put(rest, s.value());
      }
    }
    for (Map.Entry<Map<String, String>, List<Sample>> e : byLabels.entrySet()) {
      double previousLe = Double.NEGATIVE_INFINITY;
      double previous = 0;
      for (Sample b : e.getValue()) {
        double le = number(b.labels().get("le"));
        require(le > previousLe, family + ": buckets out of order");
        require(b.value() >= previous, family + ": buckets not cumulative");
        previousLe = le;
        previous = b.value();
      }
      require(previousLe == Double.POSITIVE_INFINITY, family + ": no +Inf bucket");
      Double count = counts.get(e.getKey());
      require(count != null && count == previous, family + ": +Inf bucket differs from _count");
    }
  }

  private static String unescapeHelp(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        require(i + 1 < s.length(), "dangling escape in HELP");
        char e = s.charAt(++i);
        switch (e) {
          case '\\' -> out.append('\\');
          case 'n' -> out.append('\n');
          default -> throw new IllegalArgumentException("bad escape \\" + e + " in HELP");
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(problem);
    }
  }
}
