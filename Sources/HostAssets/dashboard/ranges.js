// The time ranges both the overview and the request list offer, and the chart bucket width for each.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGES = [
  { key: "15m", label: "Last 15 min", span: 15 * MINUTE, bucket: 30_000 },
  { key: "1h", label: "Last hour", span: HOUR, bucket: MINUTE },
  { key: "24h", label: "Last 24 h", span: DAY, bucket: 30 * MINUTE },
  { key: "7d", label: "Last 7 days", span: 7 * DAY, bucket: 3 * HOUR },
  { key: "all", label: "All time", span: null, bucket: null },
];

export const rangeByKey = (key) => RANGES.find((range) => range.key === key) || RANGES[2];

/** The `from_ms` filter for a range ending now (none for "all"). */
export function fromMs(range, now = Date.now()) {
  return range.span === null ? undefined : now - range.span;
}

// Widths a bucket may take: readable on an axis and aligned to the clock (the API aligns buckets to multiples of
// the width since the epoch).
const NICE_BUCKETS = [1000, 5000, 10_000, 30_000, MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR,
  3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 7 * DAY, 30 * DAY];

/** The narrowest nice bucket that cuts `spanMs` into at most `maxBuckets` (the API refuses below 1 s). */
export function bucketFor(spanMs, maxBuckets = 60) {
  return NICE_BUCKETS.find((width) => spanMs / width <= maxBuckets) || NICE_BUCKETS[NICE_BUCKETS.length - 1];
}
