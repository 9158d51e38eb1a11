import { axisBottom, extent, scaleLinear, scaleTime, select } from "d3";
import { useMemo } from "react";
import { apiUrl, scopeQuery, type Run, type RunPage } from "../../lib/api";
import { getRoleColor, groupLabel } from "../../lib/colors";
import { formatDateTime, formatDuration, formatUsd } from "../../lib/format";
import { packLanes, runSpan } from "../../lib/lanes";
import { navigate, sessionPath } from "../../lib/router";
import { useApi } from "../../hooks/useApi";
import type { Size } from "../../hooks/useElementSize";
import { useView } from "../../hooks/view";
import { ChartCard, ChartCanvas } from "../ui/ChartCard";
import { freshSvg, instantTicks, styleAxis, tooltip } from "./frame";

/** The timeline draws at most this many runs (the latest ones); the card says when it cut. */
export const TIMELINE_LIMIT = 1000;
const MIN_BAR_PX = 3;

export type TimelineData = { runs: Run[]; zone: string };

/** One bar per run on a time axis: width = duration, color = role, opacity = cost, packed in lanes. */
export function drawFlameTimeline(host: HTMLElement, data: TimelineData, { width, height }: Size): void {
  const margin = { top: 4, right: 12, bottom: 22, left: 12 };
  const innerWidth = Math.max(1, width - margin.left - margin.right);
  const innerHeight = Math.max(1, height - margin.top - margin.bottom);
  const spans = data.runs.map(runSpan);
  const [lo = 0, hi = 1] = extent(spans.flatMap((s) => [s.start, s.end]));
  const pad = Math.max((hi - lo) * 0.02, 60_000);
  // Instants on a local-time scale: the page shows them in the browser's zone.
  const x = scaleTime().domain([new Date(lo - pad), new Date(hi + pad)]).range([0, innerWidth]);
  const msPerPx = (hi - lo + 2 * pad) / innerWidth;
  const { lanes, laneCount } = packLanes(spans, MIN_BAR_PX * msPerPx);
  const laneStep = Math.min(22, innerHeight / Math.max(1, laneCount));
  const barHeight = Math.max(1, laneStep - Math.min(3, laneStep * 0.2));
  const maxCost = Math.max(0, ...data.runs.map((r) => r.cost_usd));
  const opacity = scaleLinear().domain([0, maxCost > 0 ? maxCost : 1]).range([0.35, 1]);

  const svg = select(freshSvg(host, width, height));
  const tip = tooltip(host);
  const plot = svg.append("g").attr("transform", `translate(${margin.left},${margin.top})`);
  const axis = plot.append("g").attr("transform", `translate(0,${innerHeight})`)
    .call(axisBottom(x).ticks(Math.max(2, Math.floor(innerWidth / 110))).tickFormat(instantTicks(x.domain() as [Date, Date])));
  styleAxis(axis.node()!);

  plot.append("g").selectAll("rect.run").data(data.runs, (r) => (r as Run).id).join("rect")
    .attr("class", "run")
    .attr("data-run", (r) => r.id)
    .attr("x", (_, i) => x(new Date(spans[i]!.start)))
    .attr("width", (_, i) => Math.max(MIN_BAR_PX, x(new Date(spans[i]!.end)) - x(new Date(spans[i]!.start))))
    .attr("y", (_, i) => lanes[i]! * laneStep)
    .attr("height", barHeight)
    .attr("rx", Math.min(3, barHeight / 3))
    .attr("fill", (r) => getRoleColor(r.role))
    .attr("fill-opacity", (r) => opacity(r.cost_usd))
    .style("cursor", "pointer")
    .on("mousemove", (event: MouseEvent, r) => tip.show(event, [
      { text: `${r.session_id} · run ${r.run}`, strong: true, color: getRoleColor(r.role) },
      { text: `${groupLabel(r.role, "no role")}${r.worker ? ` / ${r.worker}` : ""}${r.rig ? ` · ${r.rig}` : ""}` },
      { text: `${formatUsd(r.cost_usd)} · ${formatDuration(r.duration_sec ?? (Date.parse(r.ended_at) - Date.parse(r.started_at)) / 1000)}` },
      { text: `${formatDateTime(r.started_at, data.zone)} → ${formatDateTime(r.ended_at, data.zone)}` },
    ]))
    .on("mouseleave", () => tip.hide())
    .on("click", (_, r) => navigate(sessionPath(r.session_id)));
}

export function FlameTimeline() {
  const { range, zone, filters } = useView();
  const url = apiUrl("/api/costs", { ...scopeQuery(range, zone, filters), sort: "ended_at", order: "desc", limit: TIMELINE_LIMIT });
  const page = useApi<RunPage>(url, { refreshMs: 60_000 });
  const data = useMemo(() => (page.data ? { runs: page.data.data, zone } : null), [page.data, zone]);
  const shown = page.data?.data.length ?? 0;
  const total = page.data?.total ?? 0;
  return (
    <ChartCard testId="flame-timeline" title="Session Timeline"
      subtitle={!page.data ? "Runs on a time axis, parallel runs in separate lanes"
        : shown < total ? `Latest ${shown} of ${total} runs · parallel runs in separate lanes` : `${shown} runs · parallel runs in separate lanes`}
      loading={page.loading} error={page.error} empty={shown === 0} emptyText="No runs in this range">
      {data && <ChartCanvas data={data} draw={drawFlameTimeline} />}
    </ChartCard>
  );
}
