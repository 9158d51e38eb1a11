// Shaping a session's detail: cumulative spend over time from its snapshots, and token totals.

import type { Run, SessionSnapshot } from "./api";
import { fromNanos, toNanos } from "./format";

export type CumulativePoint = { at: number; ended_at: string; run: number; usd: number; increment_usd: number };

/** Running sum of increments in time order: the session's spend as it happened, across runs. */
export function cumulativeSpend(snapshots: readonly SessionSnapshot[]): CumulativePoint[] {
  const ordered = [...snapshots].sort((a, b) => Date.parse(a.ended_at) - Date.parse(b.ended_at) || a.run - b.run);
  let total = 0n;
  return ordered.map((s) => {
    total += toNanos(s.increment_usd);
    return { at: Date.parse(s.ended_at), ended_at: s.ended_at, run: s.run, usd: fromNanos(total), increment_usd: s.increment_usd };
  });
}

export type TokenTotals = { input: number; output: number; cacheRead: number; cacheCreate: number };

export function tokenTotals(runs: readonly Run[]): TokenTotals {
  const sum = (pick: (r: Run) => number | null) => runs.reduce((total, r) => total + (pick(r) ?? 0), 0);
  return {
    input: sum((r) => r.input_tokens),
    output: sum((r) => r.output_tokens),
    cacheRead: sum((r) => r.cache_read_tokens),
    cacheCreate: sum((r) => r.cache_create_tokens),
  };
}
