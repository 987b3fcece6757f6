package io.scoutbot.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Typed reads of named settings from one map, collecting every problem instead of stopping at the
 * first, and remembering each effective value (secrets masked) for the startup log. Not thread-safe;
 * used once by {@link ConfigLoader}.
 */
final class SettingsReader {

  private final Map<String, String> source;
  private final List<String> problems = new ArrayList<>();
  private final Map<String, String> effective = new LinkedHashMap<>();

  SettingsReader(Map<String, String> source) {
    this.source = source;
  }

  List<String> problems() {
    return problems;
  }

  Map<String, String> effective() {
    return Collections.unmodifiableMap(effective);
  }

  void problem(String name, String value, String allowed) {
    problems.add(name + "=" + quote(value) + " is not valid: " + allowed);
  }

  /** Replaces how {@code name} appears in the effective configuration (e.g. with a password masked). */
  void shown(String name, String value) {
    effective.put(name, value);
  }

  /** A raw value, or null when unset or blank. */
  String raw(String name) {
    String v = source.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  String text(String name, String dflt) {
    String v = raw(name);
    String result = v == null ? dflt : v;
    effective.put(name, result == null ? "" : result);
    return result;
  }

  Secret secret(String name) {
    Secret s = Secret.of(raw(name));
    effective.put(name, s.toString());
    return s;
  }

  boolean bool(String name, boolean dflt) {
    String v = raw(name);
    boolean result = dflt;
    if (v != null) {
      switch (v.toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on" -> result = true;
        case "false", "0", "no", "off" -> result = false;
        default -> problem(name, v, "expected true or false (also 1/0, yes/no, on/off)");
      }
    }
    effective.put(name, Boolean.toString(result));
    return result;
  }

  long integer(String name, long dflt, long min, long max) {
    return integer(name, dflt, min, max, "expected a whole number from " + min + " to " + max);
  }

  long integer(String name, long dflt, long min, long max, String allowed) {
    String v = raw(name);
    long result = dflt;
    if (v != null) {
      try {
        result = Long.parseLong(v);
        if (result < min || result > max) {
          problem(name, v, allowed);
          result = dflt;
        }
      } catch (NumberFormatException e) {
        problem(name, v, allowed);
      }
    }
    effective.put(name, Long.toString(result));
    return result;
  }

  int intValue(String name, int dflt, int min, int max) {
    return (int) integer(name, dflt, min, max);
  }

  /** A percentage threshold: a number in (0, 100]. */
  double percent(String name, double dflt) {
    String v = raw(name);
    double result = dflt;
    if (v != null) {
      try {
        result = Double.parseDouble(v);
        if (!(result > 0 && result <= 100)) {
          problem(name, v, "expected a percentage greater than 0 and at most 100");
          result = dflt;
        }
      } catch (NumberFormatException e) {
        problem(name, v, "expected a percentage greater than 0 and at most 100");
      }
    }
    effective.put(name, Double.toString(result));
    return result;
  }

  /** A positive interval in whole {@code unit}s. Zero and negative intervals would make busy loops. */
  Duration interval(String name, long dflt, long max, String unitName, Duration unit) {
    long n =
        integer(name, dflt, 1, max, "expected a whole number of " + unitName + " from 1 to " + max);
    // not multipliedBy: its BigDecimal arithmetic initialises BigDecimal, ~10 ms of a one-shot
    // command's start; these intervals are at most weeks, far from a long's nanoseconds
    return Duration.ofNanos(Math.multiplyExact(unit.toNanos(), n));
  }

  /** An absolute http(s) URL with a host. */
  URI url(String name, String dflt) {
    String v = raw(name);
    String text = v == null ? dflt : v;
    // a URL may carry user:password@: only its masked form is ever shown, valid or not
    String shown = text == null ? "" : Redaction.url(text);
    effective.put(name, shown);
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        problem(name, shown, "expected an absolute http:// or https:// URL with a host");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      problem(name, shown, "expected an absolute http:// or https:// URL ("
          + Redaction.scrub(e.getReason(), text) + ")");
      return null;
    }
  }

  OptionalLong optionalLong(String name) {
    String v = raw(name);
    effective.put(name, v == null ? "" : v);
    if (v == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v));
    } catch (NumberFormatException e) {
      problem(name, v, "expected a whole number");
      return OptionalLong.empty();
    }
  }

  /** A comma-separated list of numeric ids; empty means none. */
  Set<Long> idList(String name) {
    String v = raw(name);
    effective.put(name, v == null ? "" : v);
    Set<Long> ids = new LinkedHashSet<>();
    if (v == null) {
      return Set.of();
    }
    for (String part : v.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      try {
        ids.add(Long.parseLong(p));
      } catch (NumberFormatException e) {
        problem(name, v, "expected comma-separated numeric Telegram user ids, e.g. 12345,67890");
        return Set.of();
      }
    }
    return Collections.unmodifiableSet(ids);
  }

  private static String quote(String v) {
    return v == null ? "" : v;
  }
}
