import { useEffect, useState } from "react";
import { apiUrl, scopeQuery, type Run, type RunPage } from "../lib/api";
import { getRoleColor, groupLabel } from "../lib/colors";
import { formatCount, formatDateTime, formatDuration, formatUsd } from "../lib/format";
import { navigate, sessionFromPath, sessionPath, usePath } from "../lib/router";
import { useApi } from "../hooks/useApi";
import { useView } from "../hooks/view";
import { ScopeControls } from "../components/ui/ScopeControls";
import { SessionDetail } from "../components/ui/SessionDetail";

export const PAGE_SIZE = 25;
type SortField = "ended_at" | "started_at" | "cost";
type Sort = { field: SortField; order: "asc" | "desc" };

function totalTokens(run: Run): number {
  return (run.input_tokens ?? 0) + (run.output_tokens ?? 0) + (run.cache_read_tokens ?? 0) + (run.cache_create_tokens ?? 0);
}

export function SessionsPage() {
  const { zone, range, filters } = useView();
  const selected = sessionFromPath(usePath());
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<Sort>({ field: "ended_at", order: "desc" });
  const [offset, setOffset] = useState(0);

  // Searching waits for a pause in typing; any change of what is listed starts at page one.
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(search.trim()), 250);
    return () => window.clearTimeout(timer);
  }, [search]);
  useEffect(() => setOffset(0), [query, sort, range, filters]);

  const url = apiUrl("/api/costs", {
    ...scopeQuery(range, zone, filters), q: query, sort: sort.field, order: sort.order, limit: PAGE_SIZE, offset,
  });
  const page = useApi<RunPage>(url, { refreshMs: 60_000 });
  const runs = page.data?.data ?? [];
  const total = page.data?.total ?? 0;

  const sortBy = (field: SortField) =>
    setSort((s) => (s.field === field ? { field, order: s.order === "desc" ? "asc" : "desc" } : { field, order: "desc" }));
  const header = (label: string, field?: SortField, align = "text-left") => {
    const active = field && sort.field === field;
    return (
      <th className={`px-3 py-2 font-medium ${align}`} aria-sort={active ? (sort.order === "asc" ? "ascending" : "descending") : undefined}>
        {field ? (
          <button type="button" data-sort={field} onClick={() => sortBy(field)}
            className={`inline-flex items-center gap-1 hover:text-white ${active ? "text-amber-400" : ""}`}>
            {label}
            <span className="text-[10px]">{active ? (sort.order === "asc" ? "▲" : "▼") : "↕"}</span>
          </button>
        ) : label}
      </th>
    );
  };

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold text-white">Session Explorer</h1>
      <ScopeControls />
      {selected && <SessionDetail sessionId={selected} onClose={() => navigate("/sessions")} />}

      <div className="flex flex-wrap items-center justify-between gap-3">
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search sessions"
          placeholder="Search session, worker, rig, model…"
          className="w-full max-w-sm rounded-lg border border-gray-700 bg-gray-900 px-3 py-1.5 text-sm text-gray-100 placeholder:text-gray-600" />
        <span data-testid="run-count" className="text-sm text-gray-400">
          {page.data ? `${formatCount(total)} run${total === 1 ? "" : "s"}` : ""}
        </span>
      </div>

      <div className="overflow-x-auto rounded-xl border border-gray-800 bg-gray-900">
        <table data-testid="sessions-table" className="w-full text-sm">
          <thead className="border-b border-gray-800 text-xs uppercase tracking-wider text-gray-400">
            <tr>
              {header("Session")}
              {header("Role")}
              {header("Worker")}
              {header("Rig")}
              {header("Model")}
              {header("Cost", "cost", "text-right")}
              {header("Tokens", undefined, "text-right")}
              {header("Duration", undefined, "text-right")}
              {header("Beads", undefined, "text-right")}
              {header("Started", "started_at")}
              {header("Ended", "ended_at")}
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} data-testid="session-row" data-session={run.session_id}
                onClick={() => navigate(sessionPath(run.session_id))}
                className={`cursor-pointer border-b border-gray-800/60 hover:bg-gray-800/50 ${run.session_id === selected ? "bg-gray-800/70" : ""}`}>
                <td className="px-3 py-2 font-mono text-xs text-gray-100">{run.session_id}{run.run > 1 && <span className="text-gray-500"> #{run.run}</span>}</td>
                <td className="px-3 py-2">
                  <span className="inline-flex items-center gap-1.5">
                    <span className="h-2 w-2 rounded-full" style={{ backgroundColor: getRoleColor(run.role) }} />
                    {groupLabel(run.role, "none")}
                  </span>
                </td>
                <td className="px-3 py-2 text-gray-300">{run.worker ?? "—"}</td>
                <td className="px-3 py-2 text-gray-300">{run.rig ?? "—"}</td>
                <td className="max-w-40 truncate px-3 py-2 text-xs text-gray-400" title={run.model ?? ""}>{run.model ?? "—"}</td>
                <td data-testid="run-cost" className="px-3 py-2 text-right tabular-nums text-white">{formatUsd(run.cost_usd)}</td>
                <td className="px-3 py-2 text-right tabular-nums text-gray-300"
                  title={`in ${formatCount(run.input_tokens)} · out ${formatCount(run.output_tokens)} · cache read ${formatCount(run.cache_read_tokens)} · cache write ${formatCount(run.cache_create_tokens)}`}>
                  {formatCount(totalTokens(run))}
                </td>
                <td className="px-3 py-2 text-right tabular-nums text-gray-300">{formatDuration(run.duration_sec)}</td>
                <td className="px-3 py-2 text-right tabular-nums text-gray-300">{run.beads_closed ?? "—"}</td>
                <td className="whitespace-nowrap px-3 py-2 text-gray-400">{formatDateTime(run.started_at, zone)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-gray-400">{formatDateTime(run.ended_at, zone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.loading && !page.data && <div className="p-6 text-center text-sm text-gray-500">Loading runs…</div>}
        {page.error && <div data-testid="sessions-error" className="p-6 text-center text-sm text-red-400">Could not load runs: {page.error.message}</div>}
        {page.data && runs.length === 0 && (
          <div data-testid="empty-state" className="p-6 text-center text-sm text-gray-500">
            {query ? `No runs match “${query}” in this range` : "No runs in this range"}
          </div>
        )}
      </div>

      <div className="flex items-center justify-end gap-2 text-sm text-gray-400">
        <span data-testid="page-info">{total > 0 ? `${offset + 1}–${Math.min(offset + PAGE_SIZE, total)} of ${formatCount(total)}` : ""}</span>
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
          className="rounded-md border border-gray-700 px-3 py-1 enabled:hover:bg-gray-800 disabled:opacity-40">Previous</button>
        <button type="button" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}
          className="rounded-md border border-gray-700 px-3 py-1 enabled:hover:bg-gray-800 disabled:opacity-40">Next</button>
      </div>
    </div>
  );
}
