import { useMemo } from "react";
import { apiUrl, filterQuery, scopeQuery, type RoleBreakdown, type Summary } from "../lib/api";
import { formatCalendarDate, formatCount, formatUsd, sumNanos } from "../lib/format";
import { useApi } from "../hooks/useApi";
import { useLiveRefresh } from "../hooks/useLiveRefresh";
import { useView } from "../hooks/view";
import { KpiCard } from "../components/ui/KpiCard";
import { ScopeControls } from "../components/ui/ScopeControls";
import { BurnGauge } from "../components/viz/BurnGauge";
import { CostPerBead } from "../components/viz/CostPerBead";
import { CostRiver } from "../components/viz/CostRiver";
import { FlameTimeline } from "../components/viz/FlameTimeline";
import { HeatCalendar } from "../components/viz/HeatCalendar";
import { RoleTreemap } from "../components/viz/RoleTreemap";

export function DashboardPage() {
  const { zone, filters } = useView();
  const liveToken = useLiveRefresh();
  const summary = useApi<Summary>(apiUrl("/api/stats/summary", { tz: zone, ...filterQuery(filters) }), { refreshMs: 30_000, refreshToken: liveToken });
  const s = summary.data;
  const sessions = (n: number) => `${formatCount(n)} session${n === 1 ? "" : "s"}`;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-semibold text-white">Cost Dashboard</h1>
        <span className="text-xs text-gray-500">Times in {zone}</span>
      </div>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <KpiCard testId="kpi-today" label="Today" loading={!s} value={s && formatUsd(s.today.total_usd)} subtitle={s && sessions(s.today.sessions)} />
        <KpiCard testId="kpi-week" label="This Week" loading={!s} value={s && formatUsd(s.week.total_usd)} subtitle={s && sessions(s.week.sessions)} />
        <KpiCard testId="kpi-month" label="This Month" loading={!s} value={s && formatUsd(s.month.total_usd)} subtitle={s && sessions(s.month.sessions)} />
        <KpiCard testId="kpi-sessions" label="Sessions" loading={!s} value={s && formatCount(s.month.sessions)} subtitle={s && "this month"} />
      </div>
      {summary.error && <p data-testid="summary-error" className="text-sm text-red-400">Totals unavailable: {summary.error.message}</p>}

      <ScopeControls />
      <FilteredRange liveToken={liveToken} />

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2"><CostRiver /></div>
        <BurnGauge refreshToken={liveToken} />
        <div className="lg:col-span-3"><HeatCalendar /></div>
        <div className="lg:col-span-2"><FlameTimeline /></div>
        <RoleTreemap />
        <div className="lg:col-span-3"><CostPerBead /></div>
      </div>
    </div>
  );
}

/** The total and session count of exactly what the charts show: the range and the filters. */
function FilteredRange({ liveToken }: { liveToken: number }) {
  const { zone, range, filters } = useView();
  const roles = useApi<{ data: RoleBreakdown[] }>(apiUrl("/api/stats/roles", scopeQuery(range, zone, filters)),
    { refreshMs: 30_000, refreshToken: liveToken });
  const totals = useMemo(() => roles.data && {
    nanos: sumNanos(roles.data.data.map((r) => r.total_usd)),
    sessions: roles.data.data.reduce((n, r) => n + r.session_count, 0),
  }, [roles.data]);
  const span = range.from === range.to ? formatCalendarDate(range.from) : `${formatCalendarDate(range.from)} – ${formatCalendarDate(range.to)}`;
  const scope = [
    filters.roles.length ? `role: ${filters.roles.join(", ")}` : null,
    filters.rigs.length ? `rig: ${filters.rigs.join(", ")}` : null,
    filters.sources.length ? `source: ${filters.sources.join(", ")}` : null,
  ].filter(Boolean);
  return (
    <p data-testid="filtered-range" className="text-sm text-gray-400">
      <span className="font-medium text-gray-300">Filtered range:</span>{" "}
      {totals ? (
        <>
          <span data-testid="filtered-total" className="font-semibold tabular-nums text-white">{formatUsd(totals.nanos)}</span>
          {" across "}
          <span data-testid="filtered-sessions" className="tabular-nums text-white">{formatCount(totals.sessions)}</span>
          {` session${totals.sessions === 1 ? "" : "s"}`}
        </>
      ) : roles.error ? <span className="text-red-400">unavailable ({roles.error.message})</span> : <span className="text-gray-600">loading…</span>}
      <span className="text-gray-500"> · {span}{scope.length ? ` · ${scope.join(" · ")}` : " · all roles and rigs"}</span>
    </p>
  );
}
