import { axisBottom, axisLeft, curveMonotoneX, extent, line, scaleLinear, scaleTime, select } from "d3";
import { useMemo } from "react";
import type { SessionDetail as Detail } from "../../lib/api";
import { getRoleColor, groupLabel } from "../../lib/colors";
import { formatCount, formatDateTime, formatDuration, formatUsd, formatUsdAxis, formatUsdExact } from "../../lib/format";
import { cumulativeSpend, tokenTotals, type CumulativePoint } from "../../lib/session";
import { useApi } from "../../hooks/useApi";
import type { Size } from "../../hooks/useElementSize";
import { useView } from "../../hooks/view";
import { freshSvg, instantTicks, styleAxis, tooltip } from "../viz/frame";
import { ChartCard, ChartCanvas } from "./ChartCard";

type CumulativeData = { points: CumulativePoint[]; zone: string; color: string };

/** The session's spend over time: a line through the running total after each snapshot. */
export function drawCumulativeCost(host: HTMLElement, data: CumulativeData, { width, height }: Size): void {
  const margin = { top: 8, right: 14, bottom: 24, left: 56 };
  const innerWidth = Math.max(1, width - margin.left - margin.right);
  const innerHeight = Math.max(1, height - margin.top - margin.bottom);
  const [lo = 0, hi = 1] = extent(data.points, (p) => p.at);
  const pad = hi === lo ? 30 * 60_000 : 0;
  const x = scaleTime().domain([new Date(lo - pad), new Date(hi + pad)]).range([0, innerWidth]);
  const y = scaleLinear().domain([0, Math.max(...data.points.map((p) => p.usd), 0.01)]).nice().range([innerHeight, 0]);

  const svg = select(freshSvg(host, width, height));
  const tip = tooltip(host);
  const plot = svg.append("g").attr("transform", `translate(${margin.left},${margin.top})`);
  styleAxis(plot.append("g").attr("transform", `translate(0,${innerHeight})`).call(axisBottom(x).ticks(Math.max(2, Math.floor(innerWidth / 100))).tickFormat(instantTicks(x.domain() as [Date, Date]))).node()!);
  styleAxis(plot.append("g").call(axisLeft(y).ticks(5).tickFormat((d) => formatUsdAxis(Number(d)))).node()!);

  plot.append("path").attr("class", "cumulative-line").attr("fill", "none").attr("stroke", data.color).attr("stroke-width", 2)
    .attr("d", line<CumulativePoint>().x((p) => x(new Date(p.at))).y((p) => y(p.usd)).curve(curveMonotoneX)(data.points));
  plot.selectAll("circle.snapshot").data(data.points).join("circle").attr("class", "snapshot")
    .attr("cx", (p) => x(new Date(p.at))).attr("cy", (p) => y(p.usd)).attr("r", 3.5)
    .attr("fill", "#111827").attr("stroke", data.color).attr("stroke-width", 1.5)
    .on("mousemove", (event: MouseEvent, p) => tip.show(event, [
      { text: formatDateTime(p.ended_at, data.zone), strong: true },
      { text: `Session total ${formatUsdExact(p.usd)}` },
      { text: `Run ${p.run}: +${formatUsdExact(p.increment_usd)}` },
    ]))
    .on("mouseleave", () => tip.hide());
}

export function SessionDetail({ sessionId, onClose }: { sessionId: string; onClose: () => void }) {
  const { zone } = useView();
  const detail = useApi<Detail>(`/api/costs/${encodeURIComponent(sessionId)}`, { refreshMs: 60_000 });
  const d = detail.data;
  const chart = useMemo<CumulativeData | null>(
    () => (d ? { points: cumulativeSpend(d.snapshots), zone, color: getRoleColor(d.runs[0]?.role) } : null), [d, zone]);
  const tokens = d ? tokenTotals(d.runs) : null;

  return (
    <section data-testid="session-detail" className="space-y-4 rounded-xl border border-amber-500/30 bg-gray-900 p-4">
      <div className="flex items-start justify-between gap-3">
        <div>
          <h2 className="font-mono text-lg font-semibold text-white">{sessionId}</h2>
          {d && (
            <p className="text-sm text-gray-400">
              <span data-testid="session-total" className="font-semibold text-white">{formatUsd(d.total_usd)}</span>
              {` over ${d.runs.length} run${d.runs.length === 1 ? "" : "s"} · ${d.snapshots.length} snapshots`}
            </p>
          )}
        </div>
        <button type="button" onClick={onClose} className="rounded-md border border-gray-700 px-2.5 py-1 text-sm text-gray-300 hover:bg-gray-800">
          Close
        </button>
      </div>
      {detail.error && <p data-testid="session-error" className="text-sm text-red-400">Could not load this session: {detail.error.message}</p>}
      {tokens && (
        <div data-testid="token-totals" className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          {([["Input", tokens.input], ["Output", tokens.output], ["Cache read", tokens.cacheRead], ["Cache write", tokens.cacheCreate]] as const).map(([label, n]) => (
            <div key={label} className="rounded-lg bg-gray-800/60 px-3 py-2">
              <div className="text-xs text-gray-500">{label} tokens</div>
              <div className="tabular-nums text-gray-100">{formatCount(n)}</div>
            </div>
          ))}
        </div>
      )}
      <ChartCard testId="session-cost-chart" title="Cumulative cost" loading={detail.loading} error={detail.error}
        empty={!chart || chart.points.length === 0} emptyText="No snapshots for this session" height={200}>
        {chart && <ChartCanvas data={chart} draw={drawCumulativeCost} />}
      </ChartCard>
      {d && d.runs.length > 0 && (
        <table data-testid="session-runs" className="w-full text-sm">
          <thead className="text-xs uppercase tracking-wider text-gray-500">
            <tr>
              <th className="py-1 text-left font-medium">Run</th><th className="py-1 text-left font-medium">Role / worker</th>
              <th className="py-1 text-left font-medium">Rig</th><th className="py-1 text-left font-medium">Model</th>
              <th className="py-1 text-right font-medium">Cost</th><th className="py-1 text-right font-medium">Duration</th>
              <th className="py-1 text-left font-medium pl-4">Started</th><th className="py-1 text-left font-medium">Ended</th>
            </tr>
          </thead>
          <tbody>
            {d.runs.map((run) => (
              <tr key={run.id} data-testid="session-run" className="border-t border-gray-800/60">
                <td className="py-1.5 text-gray-300">#{run.run}</td>
                <td className="py-1.5">
                  <span className="inline-flex items-center gap-1.5">
                    <span className="h-2 w-2 rounded-full" style={{ backgroundColor: getRoleColor(run.role) }} />
                    {groupLabel(run.role, "none")}{run.worker ? ` / ${run.worker}` : ""}
                  </span>
                </td>
                <td className="py-1.5 text-gray-300">{run.rig ?? "—"}</td>
                <td className="py-1.5 text-xs text-gray-400">{run.model ?? "—"}</td>
                <td className="py-1.5 text-right tabular-nums text-white">{formatUsdExact(run.cost_usd)}</td>
                <td className="py-1.5 text-right tabular-nums text-gray-300">{formatDuration(run.duration_sec)}</td>
                <td className="py-1.5 pl-4 text-gray-400">{formatDateTime(run.started_at, zone)}</td>
                <td className="py-1.5 text-gray-400">{formatDateTime(run.ended_at, zone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d && <p className="text-xs text-gray-600">{formatCount(d.runs.reduce((n, r) => n + (r.beads_closed ?? 0), 0))} beads closed</p>}
    </section>
  );
}
