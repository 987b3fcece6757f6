// The status page: polls /api/status every few seconds and /api/history less often, and draws
// everything with plain DOM and SVG (no framework, nothing loaded from elsewhere). Polling pauses
// while the tab is hidden. Every value may be null (unknown) and every list may be missing: the page
// shows what the server knows and says so when it knows nothing.
"use strict";

(function () {
  const STATUS_EVERY_MS = 3000;
  const HISTORY_EVERY_MS = 10000;
  const SVG = "http://www.w3.org/2000/svg";

  let lastStatus = null;
  let lastHistory = null;
  let timers = [];

  // ---- small helpers

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c);
    }
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function num(v) {
    return typeof v === "number" && isFinite(v) ? v : null;
  }

  function bytes(v) {
    v = num(v);
    if (v === null) return "?";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 1 : 0)) + " " + units[i];
  }

  function pct(v) {
    v = num(v);
    return v === null ? "?" : v.toFixed(1) + " %";
  }

  function duration(seconds) {
    seconds = num(seconds);
    if (seconds === null) return "?";
    seconds = Math.max(0, Math.round(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(s).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function ago(iso, nowMs) {
    if (!iso) return "";
    const t = Date.parse(iso);
    if (isNaN(t)) return iso;
    const s = Math.round((nowMs - t) / 1000);
    if (s < 60) return s <= 1 ? "just now" : s + " s ago";
    if (s < 3600) return Math.round(s / 60) + " min ago";
    if (s < 86400) return Math.round(s / 3600) + " h ago";
    return new Date(t).toLocaleString();
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function replace(node, ...children) {
    node.replaceChildren(...children.filter((c) => c !== null && c !== undefined));
  }

  // ---- fetching

  async function getJson(url) {
    const r = await fetch(url, { cache: "no-store", credentials: "same-origin" });
    if (r.status === 401) {
      const err = new Error("signed out");
      err.signedOut = true;
      throw err;
    }
    const body = await r.json().catch(() => null);
    if (!r.ok) throw new Error((body && body.error) || "HTTP " + r.status);
    return body;
  }

  function banner(text, link) {
    const b = document.getElementById("banner");
    if (!text) {
      b.hidden = true;
      return;
    }
    replace(b, text, link ? " " : null, link || null);
    b.hidden = false;
  }

  async function pollStatus() {
    try {
      lastStatus = await getJson("/api/status");
      banner(null);
      renderStatus(lastStatus);
    } catch (e) {
      if (e.signedOut) {
        banner("Your session ended.", el("a", { href: "/login" }, "Sign in again"));
      } else {
        banner("Cannot read the status (" + e.message + "); retrying. The figures below are from "
          + "the last successful read.");
      }
    }
  }

  async function pollHistory() {
    try {
      lastHistory = await getJson("/api/history");
    } catch (e) {
      // the chart keeps its last data; the status banner already tells about a lost server
    }
    renderChart(lastHistory, lastStatus);
  }

  function schedule() {
    timers.forEach(clearInterval);
    timers = [];
    if (document.visibilityState === "hidden") return;
    pollStatus();
    pollHistory();
    timers.push(setInterval(pollStatus, STATUS_EVERY_MS));
    timers.push(setInterval(pollHistory, HISTORY_EVERY_MS));
  }

  // ---- the header

  function renderHeader(s) {
    const service = s.service || {};
    document.getElementById("node").textContent = [service.version,
      service.node_id ? "on " + service.node_id : null].filter(Boolean).join(" ");
    const pills = [];
    pills.push(s.throttled
      ? el("span", { class: "pill bad", id: "pill-throttled" }, "Throttled: heavy work waits")
      : el("span", { class: "pill ok", id: "pill-throttled" }, "Not throttled"));
    for (const part of ["database", "storage"]) {
      const h = s[part];
      if (!h) continue;
      const name = part === "storage" && h.name ? "Storage (" + h.name + ")" : "Database";
      pills.push(el("span", { class: "pill " + (h.up ? "ok" : "bad"), title: h.detail || "" },
        name + (h.up ? " up" : " down")));
    }
    for (const [key, h] of Object.entries(s.components || {})) {
      pills.push(el("span", { class: "pill " + (h.up ? "ok" : "bad"), title: h.detail || "" },
        (h.name || key) + (h.up ? " up" : " down")));
    }
    const q = s.queue || {};
    if (q.paused_for_outage_until) {
      pills.push(el("span", { class: "pill warn", title: "until " + q.paused_for_outage_until },
        "Uploads paused for an outage"));
    }
    if (q.blocked > 0) {
      pills.push(el("span", { class: "pill warn" }, plural(q.blocked, "job") + " blocked: "
        + "check the storage settings"));
    }
    replace(document.getElementById("pills"), ...pills);
    const at = s.sampled_at ? " · resources sampled " + ago(s.sampled_at, Date.now()) : "";
    document.getElementById("updated").textContent =
      "Updated " + new Date().toLocaleTimeString() + at;
  }

  // ---- gauges

  function gauge(id, title, value, ratio, opts) {
    opts = opts || {};
    const meter = el("div", { class: "meter", role: "meter", "aria-label": title,
      "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-valuenow": ratio === null ? null : (ratio * 100).toFixed(1) });
    if (ratio !== null) {
      const fill = el("div", { class: "fill" });
      fill.style.width = Math.min(100, Math.max(0, ratio * 100)).toFixed(1) + "%";
      if (opts.threshold !== undefined && opts.threshold !== null) {
        if (ratio * 100 > opts.threshold) fill.classList.add("hot");
        else if (ratio * 100 > opts.threshold - 10) fill.classList.add("warm");
      }
      meter.append(fill);
    }
    if (num(opts.threshold) !== null) {
      const mark = el("div", { class: "mark", title: "threshold " + opts.threshold + " %" });
      mark.style.left = Math.min(100, opts.threshold).toFixed(1) + "%";
      meter.append(mark);
    }
    if (num(opts.peak) !== null) {
      const peak = el("div", { class: "peak", title: "peak" });
      peak.style.left = Math.min(100, opts.peak * 100).toFixed(1) + "%";
      meter.append(peak);
    }
    return el("div", { class: "gauge", id: id },
      el("h3", {}, title, el("b", {}, value)), meter,
      opts.note ? el("p", {}, opts.note) : null);
  }

  function ratioOf(used, total) {
    used = num(used);
    total = num(total);
    return used === null || !total ? null : used / total;
  }

  function renderGauges(s) {
    const g = [];
    g.push(gauge("gauge-cpu", "CPU", pct(s.cpu_usage),
      num(s.cpu_usage) === null ? null : s.cpu_usage / 100,
      { threshold: s.cpu_threshold,
        note: (num(s.cpu_limit_cores) !== null ? s.cpu_limit_cores + " cores" : "cores unknown")
          + " (" + (s.cpu_limit_source || "?") + "); this process " + pct(s.process_cpu_usage) }));
    g.push(gauge("gauge-memory", "Memory", pct(s.memory_usage),
      num(s.memory_usage) === null ? null : s.memory_usage / 100,
      { threshold: s.memory_threshold,
        note: bytes(s.memory_used_bytes) + " of " + bytes(s.memory_limit_bytes) + " (limit from "
          + (s.memory_limit_source || "?") + "); RSS " + bytes(s.rss_bytes) }));
    g.push(gauge("gauge-disk", "Disk", pct(s.disk_usage),
      num(s.disk_usage) === null ? null : s.disk_usage / 100,
      { threshold: s.disk_threshold,
        note: bytes(s.disk_used_bytes) + " of " + bytes(s.disk_total_bytes) + " (DATA_DIR)" }));
    const heap = ratioOf(s.heap_used_bytes, s.heap_max_bytes);
    g.push(gauge("gauge-heap", "Heap", heap === null ? "?" : (heap * 100).toFixed(1) + " %", heap,
      { note: bytes(s.heap_used_bytes) + " used, " + bytes(s.heap_committed_bytes)
          + " committed, " + bytes(s.heap_max_bytes) + " max" }));
    const budget = ratioOf(s.memory_budget_in_use_bytes, s.memory_budget_capacity_bytes);
    g.push(gauge("gauge-budget", "Memory budget", bytes(s.memory_budget_in_use_bytes), budget,
      { peak: ratioOf(s.memory_budget_peak_bytes, s.memory_budget_capacity_bytes),
        note: "of " + bytes(s.memory_budget_capacity_bytes) + "; peak "
          + bytes(s.memory_budget_peak_bytes) + "; " + (s.memory_budget_waiting || 0)
          + " waiting; per operation " + bytes(s.memory_budget_per_operation_bytes) }));
    const work = ratioOf(s.work_in_flight, s.work_limit);
    g.push(gauge("gauge-work", "Heavy work", (s.work_in_flight ?? "?") + " of "
      + (s.work_limit ?? "?"), work,
      { note: "limit " + (s.work_limit ?? "?") + " of " + (s.work_limit_max ?? "?")
          + " (drops to 1 under pressure); " + (s.work_waiting || 0) + " waiting for a slot, "
          + (s.throttle_waiting || 0) + " in the throttle gate" }));
    if (s.gc_after_upload !== undefined) {
      g.push(el("div", { class: "gauge", id: "gauge-gc" },
        el("h3", {}, "GC after upload", el("b", {}, s.gc_after_upload ? "on" : "off")),
        el("p", {}, plural(s.gc_collections || 0, "collection") + " for "
          + plural(s.gc_requests || 0, "upload") + "; " + bytes(s.gc_reclaimed_bytes) + " freed, "
          + bytes(s.gc_released_bytes) + " returned to the OS")));
    }
    replace(document.getElementById("gauges"), ...g);
  }

  // ---- queue and failures

  function renderQueue(s) {
    const q = s.queue;
    const counts = document.getElementById("queue-counts");
    if (!q) {
      replace(counts, el("p", { class: "none" }, "Queue unknown (the database cannot be read)."));
    } else {
      const items = [];
      for (const k of ["pending", "running", "blocked", "completed", "failed", "cancelled"]) {
        if (q[k] === undefined) continue;
        items.push(el("div", { id: "count-" + k }, el("dt", {}, k), el("dd", {}, String(q[k]))));
      }
      if (q.oldest_pending) {
        items.push(el("div", {}, el("dt", {}, "oldest pending"),
          el("dd", {}, ago(q.oldest_pending, Date.now()))));
      }
      if (num(q.upload_rate_bytes_per_second) !== null) {
        items.push(el("div", {}, el("dt", {}, "upload rate"),
          el("dd", {}, bytes(q.upload_rate_bytes_per_second) + "/s")));
      }
      replace(counts, ...items);
    }
    const jobs = Array.isArray(s.transfers) ? s.transfers : [];
    const list = document.getElementById("queue-jobs");
    if (jobs.length === 0) {
      replace(list, el("li", { class: "none" }, "Nothing moving right now."));
      return;
    }
    replace(list, ...jobs.map(transfer));
  }

  // one transfer of the status report: a running job in its phase (fetching, storing)
  function transfer(j) {
    const total = num(j.total);
    const done = num(j.bytes) || 0;
    const percent = num(j.percent) !== null ? j.percent : total ? (done * 100) / total : null;
    const bar = el("progress", { max: "100", "aria-label": "progress of " + (j.name || "job") });
    if (percent !== null) bar.value = Math.min(100, percent);
    const parts = [];
    if (percent !== null) parts.push(percent.toFixed(0) + " %");
    parts.push(bytes(done) + (total !== null ? " of " + bytes(total) : ""));
    if (num(j.bytes_per_second)) parts.push(bytes(j.bytes_per_second) + "/s");
    if (num(j.eta_seconds) !== null) parts.push("ETA " + duration(j.eta_seconds));
    return el("li", { class: "job", "data-job": j.job_id === undefined ? null : String(j.job_id),
        "data-phase": j.phase || null },
      el("div", { class: "head" },
        el("span", { class: "name" }, j.name || "job " + j.job_id),
        el("span", { class: "state" }, [j.phase, j.code, j.running_on ? "on " + j.running_on : null]
          .filter(Boolean).join(" · "))),
      bar,
      el("p", { class: "detail" }, parts.join(" · ")));
  }

  function renderFailures(s) {
    const list = document.getElementById("failures");
    const failures = Array.isArray(s.recent_failures) ? s.recent_failures : [];
    if (failures.length === 0) {
      replace(list, el("li", { class: "none" }, "No recent failures."));
      return;
    }
    const now = Date.now();
    replace(list, ...failures.map((f) => el("li", { class: "failure",
        "data-job": f.job_id === undefined ? null : String(f.job_id) },
      el("div", {}, el("b", {}, f.name || "job " + f.job_id), " ",
        el("span", { class: "when" }, [f.code, ago(f.at, now)].filter(Boolean).join(" · "))),
      el("p", { class: "reason" }, f.reason || "no reason recorded"))));
  }

  function renderStatus(s) {
    renderHeader(s);
    renderGauges(s);
    renderQueue(s);
    renderFailures(s);
  }

  // ---- the chart

  function runs(flags) {
    const out = [];
    let start = -1;
    flags.forEach((f, i) => {
      if (f && start < 0) start = i;
      if (!f && start >= 0) { out.push([start, i - 1]); start = -1; }
    });
    if (start >= 0) out.push([start, flags.length - 1]);
    return out;
  }

  function renderChart(h, s) {
    const box = document.getElementById("chart");
    const width = Math.max(280, Math.round(box.clientWidth || 600));
    const height = width < 480 ? 200 : 240;
    const m = { left: 38, right: 10, top: 10, bottom: 24 };
    const pw = width - m.left - m.right, ph = height - m.top - m.bottom;
    const root = svg("svg", { viewBox: "0 0 " + width + " " + height, width: width,
      height: height, role: "img", "aria-labelledby": "chart-title", id: "chart-svg" });
    root.append(svg("title", { id: "chart-title" },
      "CPU and memory use over the last hour, with thresholds and throttled periods"));
    h = h || {};
    const now = num(h.now) !== null ? h.now : Date.now() / 1000;
    const span = num(h.span_seconds) || 3600;
    const step = num(h.step_seconds) || 10;
    const t = Array.isArray(h.t) ? h.t : [];
    const x = (sec) => m.left + ((sec - (now - span)) / span) * pw;
    const y = (p) => m.top + ph - (Math.min(100, Math.max(0, p)) / 100) * ph;

    const throttled = Array.isArray(h.throttled) ? h.throttled : [];
    for (const [a, b] of runs(throttled)) {
      const x0 = Math.max(m.left, x(t[a])), x1 = Math.min(m.left + pw, x(t[b] + step));
      root.append(svg("rect", { class: "throttled", x: x0.toFixed(1), y: m.top,
        width: Math.max(1, x1 - x0).toFixed(1), height: ph,
        "data-from": String(t[a]), "data-to": String(t[b] + step) }));
    }
    for (const p of [0, 25, 50, 75, 100]) {
      root.append(svg("line", { class: "grid", x1: m.left, x2: m.left + pw, y1: y(p), y2: y(p) }));
      root.append(svg("text", { class: "axis", x: m.left - 6, y: y(p) + 4, "text-anchor": "end" },
        p + "%"));
    }
    for (let min = 60; min >= 0; min -= width < 480 ? 20 : 10) {
      root.append(svg("text", { class: "axis", x: x(now - min * 60),
        y: height - 6, "text-anchor": min === 60 ? "start" : min === 0 ? "end" : "middle" },
        min === 0 ? "now" : "−" + min + " min"));
    }
    const thresholds = [
      ["cpu", num(h.cpu_threshold) ?? num(s && s.cpu_threshold), "CPU"],
      ["memory", num(h.memory_threshold) ?? num(s && s.memory_threshold), "memory"],
    ];
    const same = thresholds[0][1] !== null && thresholds[0][1] === thresholds[1][1];
    for (const [kind, value, label] of thresholds) {
      if (value === null) continue;
      root.append(svg("line", { class: "threshold " + kind, x1: m.left, x2: m.left + pw,
        y1: y(value), y2: y(value), "data-value": String(value) }));
      if (!same || kind === "cpu") {
        root.append(svg("text", { class: "threshold-label", x: m.left + 4,
          y: y(value) - 4 + (kind === "memory" ? 14 : 0) },
          (same ? "CPU & memory" : label) + " threshold " + value + "%"));
      }
    }
    for (const kind of ["cpu", "memory"]) {
      const values = Array.isArray(h[kind]) ? h[kind] : [];
      let d = "";
      let pen = false;
      values.forEach((v, i) => {
        if (num(v) === null || (i > 0 && t[i] - t[i - 1] > 3 * step)) pen = false;
        if (num(v) === null) return;
        d += (pen ? "L" : "M") + x(t[i] + step / 2).toFixed(1) + " " + y(v).toFixed(1);
        pen = true;
      });
      if (d) root.append(svg("path", { class: "series " + kind, d: d, "data-points":
        String(values.filter((v) => num(v) !== null).length) }));
    }
    if (t.length === 0) {
      root.append(svg("text", { class: "empty", x: m.left + pw / 2, y: m.top + ph / 2,
        "text-anchor": "middle" }, "No samples yet (resource monitoring off, or just started)"));
    }
    replace(box, root);
  }

  // ---- start

  document.addEventListener("visibilitychange", schedule);
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => renderChart(lastHistory, lastStatus), 150);
  });
  schedule();
})();
