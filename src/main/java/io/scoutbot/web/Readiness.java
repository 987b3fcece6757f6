package io.scoutbot.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answer of a {@link ReadinessCheck}: each part, whether it is ready and why. Ready when every
 * part is. Immutable.
 */
public record Readiness(List<Part> parts) {

  /**
   * One dependency.
   *
   * @param name what it is, e.g. {@code database}, {@code storage}
   * @param detail one line a person can act on: what was checked, or what is wrong and what happens
   */
  public record Part(String name, boolean ready, String detail) {
    public Part {
      Objects.requireNonNull(name, "name");
      detail = detail == null ? "" : detail;
    }
  }

  public Readiness {
    parts = List.copyOf(parts);
  }

  public boolean ready() {
    return parts.stream().allMatch(Part::ready);
  }

  /** {@code {"ready": …, "parts": {"database": {"ready": …, "detail": …}, …}}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> byName = new LinkedHashMap<>();
    for (Part p : parts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ready", p.ready());
      m.put("detail", p.detail());
      byName.put(p.name(), m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ready", ready());
    out.put("parts", byName);
    return out;
  }
}
