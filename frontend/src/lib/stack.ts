// Shapes /api/stats/daily rows (one per date and group) into stacked layers for the cost river:
// every date of the range present (missing days are zero), groups ordered by their total spend
// (largest at the bottom), and exact per-day totals for tooltips.

import { datesFrom } from "./dateRange";
import { fromNanos, toNanos } from "./format";

export type DailyRow = { date: string; key: string | null; total_usd: number };
export type StackPoint = { date: string; y0: number; y1: number; value: number };
export type StackLayer = { key: string | null; points: StackPoint[] };
export type StackedDays = {
  dates: string[];
  keys: (string | null)[];
  layers: StackLayer[];
  /** Exact total per date, in USD. */
  totals: Map<string, number>;
  /** Top of the highest stack, for the y scale. */
  max: number;
};

export function stackDaily(rows: readonly DailyRow[], from: string, to: string): StackedDays {
  const dates = datesFrom(from, to);
  const inRange = new Set(dates);
  const byKey = new Map<string | null, Map<string, bigint>>();
  const keyTotals = new Map<string | null, bigint>();
  const dayTotals = new Map<string, bigint>();
  for (const row of rows) {
    if (!inRange.has(row.date)) continue;
    const nanos = toNanos(row.total_usd);
    const days = byKey.get(row.key) ?? new Map<string, bigint>();
    days.set(row.date, (days.get(row.date) ?? 0n) + nanos);
    byKey.set(row.key, days);
    keyTotals.set(row.key, (keyTotals.get(row.key) ?? 0n) + nanos);
    dayTotals.set(row.date, (dayTotals.get(row.date) ?? 0n) + nanos);
  }
  const keys = [...byKey.keys()].sort((a, b) => {
    const difference = (keyTotals.get(b) ?? 0n) - (keyTotals.get(a) ?? 0n);
    if (difference !== 0n) return difference > 0n ? 1 : -1;
    return (a ?? "\uffff").localeCompare(b ?? "\uffff");
  });

  const baseline = new Map<string, bigint>(dates.map((d) => [d, 0n]));
  const layers = keys.map((key) => {
    const days = byKey.get(key) ?? new Map<string, bigint>();
    const points = dates.map((date) => {
      const value = days.get(date) ?? 0n;
      const below = baseline.get(date) ?? 0n;
      baseline.set(date, below + value);
      return { date, y0: fromNanos(below), y1: fromNanos(below + value), value: fromNanos(value) };
    });
    return { key, points };
  });

  const totals = new Map(dates.map((d) => [d, fromNanos(dayTotals.get(d) ?? 0n)]));
  const max = Math.max(0, ...totals.values());
  return { dates, keys, layers, totals, max };
}
