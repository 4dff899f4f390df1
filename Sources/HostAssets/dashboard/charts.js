// Charts drawn as inline SVG by our own code (no library, no network): time series (lines or bars), horizontal
// category bars, and a token-arrival timeline. Each chart is a <figure> with a title, a legend, axes with units,
// and a hover tooltip (HTML, so long values wrap) that shows the exact values under the pointer.
//
// Drawing happens in a fixed 640-wide viewBox that CSS scales to the container; the pointer position is mapped
// back into viewBox units, so hover works at any size.

import { h, s } from "./dom.js";
import { clock, dateTime } from "./format.js";

const WIDTH = 640;
const MARGIN = { top: 24, right: 14, bottom: 26, left: 60 };
export const COLORS = ["#3b6fd8", "#e4572e", "#17a398", "#f2a541", "#8e6bbf", "#6c757d", "#d6336c", "#2f9e44"];

// ---- scales and ticks -------------------------------------------------------------------------------------------

function linear(d0, d1, r0, r1) {
  const width = d1 - d0 || 1;
  const scale = (value) => r0 + ((value - d0) / width) * (r1 - r0);
  scale.invert = (pixel) => d0 + ((pixel - r0) / (r1 - r0)) * width;
  return scale;
}

/** Ticks 0…top with a 1-2-5 step, top ≥ max (so the highest value is never clipped). */
export function niceTicks(max, count = 4) {
  const safeMax = max > 0 && Number.isFinite(max) ? max : 1;
  const rough = safeMax / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
  const top = Math.ceil(safeMax / step - 1e-9) * step;
  const ticks = [];
  for (let i = 0; i * step <= top + step / 2; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { top, ticks };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE,
  30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 30 * DAY];

/** Time ticks at round local times (every 5 min, every 3 h, midnight…), about `count` of them. */
function timeTicks(t0, t1, count = 6) {
  const step = TIME_STEPS.find((candidate) => (t1 - t0) / candidate <= count) || TIME_STEPS[TIME_STEPS.length - 1];
  const offset = new Date(t0).getTimezoneOffset() * MINUTE; // align to local, not UTC, boundaries
  const ticks = [];
  for (let t = Math.ceil((t0 - offset) / step) * step + offset; t <= t1; t += step) ticks.push(t);
  const label = (t) => { // a date at midnight (and for day steps), else the time of day
    const pad = (n) => String(n).padStart(2, "0");
    const d = new Date(t);
    if (step >= DAY || (d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0)) {
      return `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    }
    return step >= MINUTE ? clock(t).slice(0, 5) : clock(t);
  };
  return { ticks, label };
}

// ---- the frame every chart shares ---------------------------------------------------------------------------

function frame({ title, testid, legend, height }) {
  const svg = s("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": title, class: "chart-svg" });
  const tip = h("div", { class: "chart-tip", hidden: true, testid: testid && `${testid}-tooltip` });
  const area = h("div", { class: "chart-area" }, svg, tip);
  const root = h("figure", { class: "chart", testid },
    h("figcaption", null, h("span", { class: "chart-title" }, title),
      legend && legend.length > 1 ? h("span", { class: "legend" }, legend.map(({ name, color }) =>
        h("span", { class: "legend-item" }, h("i", { style: { background: color } }), name))) : null),
    area);
  return { root, svg, tip, area };
}

/** Maps a pointer event to viewBox coordinates. */
function pointer(svg, event) {
  const box = svg.getBoundingClientRect();
  const height = svg.viewBox.baseVal.height;
  return { x: ((event.clientX - box.left) / box.width) * WIDTH, y: ((event.clientY - box.top) / box.height) * height };
}

/** Fills and places the tooltip near viewBox point (x, y), kept inside the chart. */
function showTip({ svg, tip, area }, x, y, heading, rows) {
  tip.replaceChildren(h("div", { class: "tip-head" }, heading),
    ...rows.map(([color, name, value]) => h("div", { class: "tip-row" },
      color ? h("i", { style: { background: color } }) : null, h("span", null, name), h("b", null, value))));
  tip.hidden = false;
  const scale = svg.getBoundingClientRect().width / WIDTH;
  const left = x * scale + 12;
  const maxLeft = area.clientWidth - tip.offsetWidth - 4;
  tip.style.left = `${Math.max(4, left > maxLeft ? x * scale - tip.offsetWidth - 12 : left)}px`;
  tip.style.top = `${Math.max(0, y * scale - tip.offsetHeight / 2)}px`;
}

function yAxis(svg, { ticks }, y, format, unit, plotRight) {
  for (const tick of ticks) {
    svg.append(s("line", { class: "grid", x1: MARGIN.left, x2: plotRight, y1: y(tick), y2: y(tick) }),
      s("text", { class: "tick", x: MARGIN.left - 6, y: y(tick) + 4, "text-anchor": "end" }, format(tick)));
  }
  if (unit) svg.append(s("text", { class: "unit", x: MARGIN.left - 6, y: 11, "text-anchor": "end" }, unit));
}

function empty(root, area, message) {
  area.replaceChildren(h("div", { class: "chart-empty" }, message));
  return root;
}

// ---- time series ----------------------------------------------------------------------------------------------

/**
 * A time series over buckets: `buckets` are bucket starts (Unix ms, ascending, the API leaves empty ones out) and
 * each series' `values` is aligned with them (null = no value in that bucket).
 * kind "bars": one column per bucket, later series drawn over earlier ones (errors over requests).
 * kind "lines": a point per bucket, joined only between adjacent buckets (no line across an empty stretch).
 */
export function timeChart({ title, testid, unit, kind = "lines", series, buckets, bucketMs, from, to, format,
  tickFormat = format, yMax }) {
  const height = 220;
  const parts = frame({ title, testid, legend: series, height });
  const { root, svg, area } = parts;
  if (!buckets.length) return empty(root, area, "No requests in this range");

  const t0 = Math.min(from ?? buckets[0], buckets[0]);
  const t1 = Math.max(to ?? 0, buckets[buckets.length - 1] + bucketMs);
  const plotRight = WIDTH - MARGIN.right;
  const plotBottom = height - MARGIN.bottom;
  const x = linear(t0, t1, MARGIN.left, plotRight);
  const highest = Math.max(0, ...series.flatMap((one) => one.values.filter((v) => v !== null && v !== undefined)));
  const yTicks = niceTicks(yMax ?? highest);
  const y = linear(0, yTicks.top, plotBottom, MARGIN.top);

  yAxis(svg, yTicks, y, tickFormat, unit, plotRight);
  const { ticks, label } = timeTicks(t0, t1);
  for (const tick of ticks) {
    svg.append(s("line", { class: "axis-mark", x1: x(tick), x2: x(tick), y1: plotBottom, y2: plotBottom + 4 }),
      s("text", { class: "tick", x: x(tick), y: plotBottom + 16, "text-anchor": "middle" }, label(tick)));
  }
  svg.append(s("line", { class: "axis", x1: MARGIN.left, x2: plotRight, y1: plotBottom, y2: plotBottom }));

  const center = (bucket) => x(bucket + bucketMs / 2);
  if (kind === "bars") {
    const barWidth = Math.max(1.5, x(t0 + bucketMs) - x(t0) - 1.5);
    for (const one of series) {
      buckets.forEach((bucket, i) => {
        const value = one.values[i];
        if (!value) return;
        svg.append(s("rect", { x: center(bucket) - barWidth / 2, y: y(value), width: barWidth,
          height: Math.max(0.5, plotBottom - y(value)), fill: one.color, class: "bar" }));
      });
    }
  } else {
    for (const one of series) {
      let path = "";
      buckets.forEach((bucket, i) => {
        const value = one.values[i];
        if (value === null || value === undefined) return;
        const joined = i > 0 && buckets[i - 1] === bucket - bucketMs && one.values[i - 1] !== null
          && one.values[i - 1] !== undefined;
        path += `${joined ? "L" : "M"}${center(bucket).toFixed(1)},${y(value).toFixed(1)}`;
        svg.append(s("circle", { cx: center(bucket), cy: y(value), r: 2.6, fill: one.color }));
      });
      if (path) svg.append(s("path", { d: path, stroke: one.color, class: "series-line" }));
    }
  }

  // Hover: the bucket nearest the pointer, its exact values.
  const guide = s("line", { class: "guide", y1: MARGIN.top, y2: plotBottom, visibility: "hidden" });
  const overlay = s("rect", { x: MARGIN.left, y: MARGIN.top, width: plotRight - MARGIN.left,
    height: plotBottom - MARGIN.top, class: "overlay" });
  svg.append(guide, overlay);
  overlay.addEventListener("mousemove", (event) => {
    const point = pointer(svg, event);
    const time = x.invert(point.x);
    let index = 0;
    buckets.forEach((bucket, i) => {
      if (Math.abs(bucket + bucketMs / 2 - time) < Math.abs(buckets[index] + bucketMs / 2 - time)) index = i;
    });
    const bucket = buckets[index];
    guide.setAttribute("x1", center(bucket));
    guide.setAttribute("x2", center(bucket));
    guide.setAttribute("visibility", "visible");
    const heading = `${dateTime(bucket)} – ${clock(bucket + bucketMs)}`;
    showTip(parts, center(bucket), point.y, heading,
      series.map((one) => [one.color, one.name, format(one.values[index])]));
  });
  overlay.addEventListener("mouseleave", () => {
    parts.tip.hidden = true;
    guide.setAttribute("visibility", "hidden");
  });
  return root;
}

// ---- category bars -----------------------------------------------------------------------------------------------

/**
 * Horizontal bars, one row per category (a model, a provider), the series stacked left to right:
 * rows = [{label, values: [per series]}], series = [{name, color}].
 */
export function barChart({ title, testid, rows, series, format, tickFormat = format, unit }) {
  const rowHeight = 24;
  const labelWidth = 150;
  const height = MARGIN.top + rows.length * rowHeight + MARGIN.bottom;
  const parts = frame({ title, testid, legend: series, height: Math.max(height, 60) });
  const { root, svg, area } = parts;
  if (!rows.length) return empty(root, area, "No requests in this range");

  const plotLeft = labelWidth + 8;
  const plotRight = WIDTH - MARGIN.right - 70; // room for the value written after each bar
  const plotBottom = height - MARGIN.bottom;
  const totals = rows.map((row) => row.values.reduce((sum, v) => sum + (v || 0), 0));
  const xTicks = niceTicks(Math.max(...totals));
  const x = linear(0, xTicks.top, plotLeft, plotRight);

  for (const tick of xTicks.ticks) {
    svg.append(s("line", { class: "grid", x1: x(tick), x2: x(tick), y1: MARGIN.top, y2: plotBottom }),
      s("text", { class: "tick", x: x(tick), y: plotBottom + 16, "text-anchor": "middle" }, tickFormat(tick)));
  }
  if (unit) svg.append(s("text", { class: "unit", x: WIDTH - MARGIN.right, y: plotBottom + 16,
    "text-anchor": "end" }, unit));

  rows.forEach((row, r) => {
    const top = MARGIN.top + r * rowHeight;
    const shortLabel = row.label.length > 24 ? `${row.label.slice(0, 23)}…` : row.label;
    svg.append(s("text", { class: "bar-label", x: labelWidth, y: top + rowHeight / 2 + 4, "text-anchor": "end" },
      s("title", null, row.label), shortLabel));
    let start = 0;
    row.values.forEach((value, i) => {
      if (!value) return;
      svg.append(s("rect", { x: x(start), y: top + 4, width: Math.max(0.5, x(start + value) - x(start)),
        height: rowHeight - 8, fill: series[i].color, class: "bar" }));
      start += value;
    });
    svg.append(s("text", { class: "bar-value", x: x(start) + 5, y: top + rowHeight / 2 + 4 }, format(totals[r])));
    const hit = s("rect", { x: 0, y: top, width: WIDTH, height: rowHeight, class: "overlay" });
    hit.addEventListener("mousemove", (event) => {
      const lines = series.map((one, i) => [one.color, one.name, format(row.values[i])]);
      if (series.length > 1) lines.push([null, "total", format(totals[r])]);
      showTip(parts, pointer(svg, event).x, top + rowHeight / 2, row.label, lines);
    });
    hit.addEventListener("mouseleave", () => { parts.tip.hidden = true; });
    svg.append(hit);
  });
  return root;
}

// ---- token arrival timeline -------------------------------------------------------------------------------------

/**
 * When each content event arrived (ms after the request was received), as a rising step line: event k is at
 * height k. Dashed marks show the first token and the end of the response.
 */
export function tokenTimeline({ title, testid, times, totalMs, format }) {
  const height = 220;
  const parts = frame({ title, testid, height });
  const { root, svg, area } = parts;
  if (!times.length) return empty(root, area, "No content events were timed for this exchange");

  const plotRight = WIDTH - MARGIN.right;
  const plotBottom = height - MARGIN.bottom;
  const xTicks = niceTicks(Math.max(totalMs || 0, times[times.length - 1]), 6);
  const x = linear(0, xTicks.top, MARGIN.left, plotRight);
  const yTicks = niceTicks(times.length);
  const y = linear(0, yTicks.top, plotBottom, MARGIN.top);

  yAxis(svg, yTicks, y, (v) => String(v), "events", plotRight);
  for (const tick of xTicks.ticks) {
    svg.append(s("line", { class: "axis-mark", x1: x(tick), x2: x(tick), y1: plotBottom, y2: plotBottom + 4 }),
      s("text", { class: "tick", x: x(tick), y: plotBottom + 16, "text-anchor": "middle" }, format(tick)));
  }
  svg.append(s("line", { class: "axis", x1: MARGIN.left, x2: plotRight, y1: plotBottom, y2: plotBottom }));

  const marks = [["first token", times[0]], ["end", totalMs]].filter(([, at]) => at !== null && at !== undefined);
  for (const [name, at] of marks) {
    svg.append(s("line", { class: "mark", x1: x(at), x2: x(at), y1: MARGIN.top, y2: plotBottom }),
      s("text", { class: "mark-label", x: x(at) + 3, y: MARGIN.top + 9 }, name));
  }
  let path = `M${x(times[0]).toFixed(1)},${y(0).toFixed(1)}`;
  times.forEach((time, i) => { path += `V${y(i + 1).toFixed(1)}H${x(times[i + 1] ?? time).toFixed(1)}`; });
  svg.append(s("path", { d: path, stroke: COLORS[0], class: "series-line" }));
  if (times.length <= 600) { // past that the dots are a smear; the step line says it all
    times.forEach((time, i) => svg.append(s("circle", { cx: x(time), cy: y(i + 1), r: 2.2, fill: COLORS[0] })));
  }

  const overlay = s("rect", { x: MARGIN.left, y: MARGIN.top, width: plotRight - MARGIN.left,
    height: plotBottom - MARGIN.top, class: "overlay" });
  svg.append(overlay);
  overlay.addEventListener("mousemove", (event) => {
    const at = x.invert(pointer(svg, event).x);
    let index = 0; // binary search: the last event at or before the pointer, or the first
    for (let low = 0, high = times.length - 1; low <= high;) {
      const middle = (low + high) >> 1;
      if (times[middle] <= at) { index = middle; low = middle + 1; } else high = middle - 1;
    }
    if (index + 1 < times.length && Math.abs(times[index + 1] - at) < Math.abs(times[index] - at)) index += 1;
    const gap = index > 0 ? format(times[index] - times[index - 1]) : "—";
    showTip(parts, x(times[index]), y(index + 1), `event ${index + 1} of ${times.length}`,
      [[COLORS[0], "arrived at", format(times[index])], [null, "gap before", gap]]);
  });
  overlay.addEventListener("mouseleave", () => { parts.tip.hidden = true; });
  return root;
}

