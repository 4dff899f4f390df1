// Number, time and money formatting, one place so every page shows the same units. A missing value is "—".

const DASH = "—";
const intFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export const missing = (value) => value === null || value === undefined || Number.isNaN(value);

/** 1234 → "1,234". */
export function int(value) {
  return missing(value) ? DASH : intFormat.format(value);
}

/** A duration in milliseconds with a precision that suits its size: "0.374 ms", "12.5 ms", "1.52 s", "3.1 min". */
export function ms(value) {
  if (missing(value)) return DASH;
  const size = Math.abs(value);
  if (size < 1) return `${value.toFixed(3)} ms`;
  if (size < 10) return `${value.toFixed(2)} ms`;
  if (size < 1000) return `${value.toFixed(1)} ms`;
  if (size < 60_000) return `${(value / 1000).toFixed(2)} s`;
  return `${(value / 60_000).toFixed(1)} min`;
}

/** US dollars; small amounts keep six decimals so a single cheap request is not shown as $0.00. */
export function usd(value) {
  if (missing(value)) return DASH;
  if (value === 0) return "$0";
  const size = Math.abs(value);
  const digits = size >= 100 ? 2 : size >= 1 ? 4 : 6;
  return `$${value.toFixed(digits)}`;
}

/** A ratio 0…1 as a percentage: 0.25 → "25.0%". */
export function pct(value) {
  if (missing(value)) return DASH;
  if (value > 0 && value < 0.001) return "<0.1%";
  return `${(value * 100).toFixed(1)}%`;
}

/** Byte counts: "812 B", "12.3 KiB", "4.0 MiB". */
export function bytes(value) {
  if (missing(value)) return DASH;
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(1)} MiB`;
}

/** Tokens per second. */
export function perSecond(value) {
  return missing(value) ? DASH : `${value.toFixed(1)} tok/s`;
}

/** Any other number, compactly: 0.1234 → "0.1234", 1234.5 → "1,234.5". */
export function num(value) {
  if (missing(value)) return DASH;
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: Math.abs(value) < 1 ? 6 : 2 }).format(value);
}

const pad = (n, width = 2) => String(n).padStart(width, "0");

/** Unix ms → local "2026-11-25 18:06:59". */
export function dateTime(value) {
  if (missing(value)) return DASH;
  const d = new Date(value);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(value)}`;
}

/** Unix ms → local "18:06:59"; with `millis`, "18:06:59.123". */
export function clock(value, millis = false) {
  const d = new Date(value);
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return millis ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** Unix ms → the shortest readable local time for a list: today "18:06:59", otherwise "11-24 18:06:59". */
export function listTime(value) {
  if (missing(value)) return DASH;
  const d = new Date(value);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay ? clock(value) : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(value)}`;
}

/** Unix ms → ISO UTC (for tooltips). */
export function iso(value) {
  return missing(value) ? DASH : new Date(value).toISOString();
}

/** A bucket width in words: 60000 → "1 min". */
export function span(msValue) {
  const units = [[86_400_000, "d"], [3_600_000, "h"], [60_000, "min"], [1000, "s"]];
  for (const [size, name] of units) if (msValue >= size && msValue % size === 0) return `${msValue / size} ${name}`;
  return `${msValue} ms`;
}
