// The Stats API as the dashboard reads it: response shapes (snake_case, money in USD as exact
// JSON numbers) and URL building. Same origin as the page, so paths are relative.

import type { DateRange } from "./dateRange";

export type Filters = { roles: string[]; rigs: string[]; sources: string[] };
export const NO_FILTERS: Filters = { roles: [], rigs: [], sources: [] };

/** The filters as query parameters. */
export function filterQuery(filters: Filters): Record<string, QueryValue> {
  return { role: filters.roles, rig: filters.rigs, source: filters.sources };
}

export type Run = {
  id: string;
  session_id: string;
  run: number;
  role: string | null;
  worker: string | null;
  rig: string | null;
  model: string | null;
  cost_usd: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_create_tokens: number | null;
  duration_sec: number | null;
  beads_closed: number | null;
  started_at: string;
  ended_at: string;
  snapshot_count: number;
  source: string | null;
};
export type RunPage = { data: Run[]; count: number; total: number };

export type SessionSnapshot = {
  ended_at: string;
  run: number;
  cost_usd: number;
  increment_usd: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_create_tokens: number | null;
};
export type SessionDetail = { session_id: string; total_usd: number; runs: Run[]; snapshots: SessionSnapshot[] };

export type PeriodTotal = { total_usd: number; sessions: number };
export type Summary = { today: PeriodTotal; week: PeriodTotal; month: PeriodTotal; tz: string };

export type DailyRow = { date: string; total_usd: number; session_count: number } & Record<string, string | number | null>;
export type Daily = { data: DailyRow[] };

export type Breakdown = {
  total_usd: number;
  session_count: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_create_tokens: number | null;
};
export type RoleBreakdown = Breakdown & { role: string | null };
export type RigBreakdown = Breakdown & { rig: string | null };

export type Hourly = {
  hours: { hour: string; total_usd: number }[];
  burn_rate_usd_per_hour: number;
  today_usd: number;
  projected_today_usd: number;
  daily_average_usd: number;
  thresholds: { yellow_usd: number; red_usd: number };
};

export type BeadCost = { total_usd: number; beads_closed: number; usd_per_bead: number | null };
export type Beads = { by_role: (BeadCost & { role: string | null })[]; by_rig: (BeadCost & { rig: string | null })[] };

export type FilterOptions = { roles: string[]; rigs: string[]; workers: string[]; models: string[]; sources: string[] };

/** A cost_event from /ws/live. */
export type LiveCostEvent = {
  session_id: string;
  role: string | null;
  worker: string | null;
  rig: string | null;
  model: string | null;
  cost_usd: number;
  ended_at: string;
  increment_usd?: number;
  run?: number;
  run_total_usd?: number;
  input_tokens?: number | null;
  output_tokens?: number | null;
};

export type QueryValue = string | number | readonly string[] | null | undefined;

/** Builds "/api/x?a=1&role=a&role=b"; empty values are left out, lists repeat the name. */
export function apiUrl(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) for (const item of value) params.append(name, item);
    else params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The query every aggregate takes: the range as dates in the zone, and the active filters. */
export function scopeQuery(range: DateRange | null, zone: string, filters: Filters): Record<string, QueryValue> {
  return {
    ...(range ? { from: range.from, to: range.to } : {}),
    tz: zone,
    ...filterQuery(filters),
  };
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal: signal ?? null, headers: { Accept: "application/json" } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, "The server cannot be reached");
  }
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      const body = (await response.json()) as { error?: string; details?: { field: string; message: string }[] };
      if (body.error) message = body.error;
      if (body.details?.length) message += ": " + body.details.map((d) => `${d.field} ${d.message}`).join("; ");
    } catch {
      // Not JSON: the status line says enough.
    }
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
}
