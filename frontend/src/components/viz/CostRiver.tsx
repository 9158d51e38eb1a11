import { area, axisBottom, axisLeft, bisector, curveMonotoneX, pointer, scaleLinear, scaleUtc, select, utcFormat } from "d3";
import { useMemo } from "react";
import { apiUrl, scopeQuery, type Daily } from "../../lib/api";
import { getRoleColor, groupLabel } from "../../lib/colors";
import { formatCalendarDate, formatUsd, formatUsdAxis } from "../../lib/format";
import { stackDaily, type StackedDays } from "../../lib/stack";
import { useApi } from "../../hooks/useApi";
import type { Size } from "../../hooks/useElementSize";
import { useView } from "../../hooks/view";
import { ChartCard, ChartCanvas } from "../ui/ChartCard";
import { dateValue, freshSvg, styleAxis, tooltip } from "./frame";

const DAY_MS = 86_400_000;

/** Stacked area of daily spend by role: x = days, y = USD, a monotone layer per role. */
export function drawCostRiver(host: HTMLElement, data: StackedDays, { width, height }: Size): void {
  const margin = { top: 8, right: 24, bottom: 24, left: 52 };
  const svg = select(freshSvg(host, width, height));
  const tip = tooltip(host);
  const innerWidth = Math.max(1, width - margin.left - margin.right);
  const innerHeight = Math.max(1, height - margin.top - margin.bottom);

  // A single day is drawn as a band across that day rather than as an invisible point.
  const first = dateValue(data.dates[0] ?? "1970-01-01");
  const last = data.dates.length > 1 ? dateValue(data.dates[data.dates.length - 1] ?? "") : new Date(first.getTime() + DAY_MS);
  const x = scaleUtc().domain([first, last]).range([0, innerWidth]);
  const y = scaleLinear().domain([0, data.max > 0 ? data.max : 1]).nice().range([innerHeight, 0]);
  const xsOf = (date: string) => (data.dates.length > 1 ? [dateValue(date)] : [first, last]);

  const plot = svg.append("g").attr("transform", `translate(${margin.left},${margin.top})`);
  const xAxis = plot.append("g").attr("transform", `translate(0,${innerHeight})`)
    .call(axisBottom(x).ticks(Math.max(2, Math.floor(innerWidth / 80))).tickFormat((d) => utcFormat("%b %d")(d as Date)));
  const yAxis = plot.append("g").call(axisLeft(y).ticks(5).tickFormat((d) => formatUsdAxis(Number(d))));
  styleAxis(xAxis.node()!);
  styleAxis(yAxis.node()!);

  type Point = { at: Date; y0: number; y1: number };
  const shape = area<Point>().x((p) => x(p.at)).y0((p) => y(p.y0)).y1((p) => y(p.y1)).curve(curveMonotoneX);
  plot.append("g").selectAll("path.layer")
    .data(data.layers, (layer) => String((layer as StackedDays["layers"][number]).key))
    .join("path")
    .attr("class", "layer")
    .attr("data-role", (layer) => layer.key ?? "")
    .attr("fill", (layer) => getRoleColor(layer.key))
    .attr("fill-opacity", 0.8)
    .attr("stroke", (layer) => getRoleColor(layer.key))
    .attr("stroke-width", 1)
    .attr("d", (layer) => shape(layer.points.flatMap((p) => xsOf(p.date).map((at) => ({ at, y0: p.y0, y1: p.y1 })))));

  const guide = plot.append("line").attr("y1", 0).attr("y2", innerHeight).attr("stroke", "#e5e7eb")
    .attr("stroke-dasharray", "3 3").style("opacity", 0);
  const nearest = bisector((date: string) => dateValue(date).getTime()).center;
  plot.append("rect").attr("class", "hover-target").attr("width", innerWidth).attr("height", innerHeight)
    .attr("fill", "transparent")
    .on("mousemove", (event: MouseEvent) => {
      const [px] = pointer(event, plot.node());
      const index = data.dates.length > 1 ? nearest(data.dates, x.invert(px).getTime()) : 0;
      const date = data.dates[index];
      if (!date) return;
      guide.attr("x1", data.dates.length > 1 ? x(dateValue(date)) : px).attr("x2", data.dates.length > 1 ? x(dateValue(date)) : px).style("opacity", 0.6);
      const rows = data.layers
        .map((layer) => ({ key: layer.key, value: layer.points[index]?.value ?? 0 }))
        .filter((row) => row.value > 0)
        .reverse();
      tip.show(event, [
        { text: formatCalendarDate(date), strong: true },
        { text: `Total ${formatUsd(data.totals.get(date) ?? 0)}` },
        ...rows.map((row) => ({ text: `${groupLabel(row.key, "no role")}: ${formatUsd(row.value)}`, color: getRoleColor(row.key) })),
      ]);
    })
    .on("mouseleave", () => {
      guide.style("opacity", 0);
      tip.hide();
    });
}

export function CostRiver() {
  const { range, zone, filters } = useView();
  const url = apiUrl("/api/stats/daily", { ...scopeQuery(range, zone, filters), group_by: "role" });
  const daily = useApi<Daily>(url, { refreshMs: 60_000 });
  const stacked = useMemo(
    () => daily.data
      ? stackDaily(daily.data.data.map((row) => ({ date: row.date, key: (row.role as string | null) ?? null, total_usd: row.total_usd })), range.from, range.to)
      : null,
    [daily.data, range.from, range.to]);
  const empty = !stacked || stacked.max === 0;
  return (
    <ChartCard testId="cost-river" title="Cost River" loading={daily.loading} error={daily.error} empty={empty}
      emptyText="No spend in this range"
      subtitle={stacked && !empty ? <RoleLegend keys={stacked.keys} /> : "Daily spend by role"}>
      {stacked && <ChartCanvas data={stacked} draw={drawCostRiver} />}
    </ChartCard>
  );
}

export function RoleLegend({ keys }: { keys: readonly (string | null)[] }) {
  return (
    <span className="flex flex-wrap gap-x-2.5 gap-y-0.5">
      {keys.map((key) => (
        <span key={String(key)} className="flex items-center gap-1">
          <span className="h-2 w-2 rounded-sm" style={{ backgroundColor: getRoleColor(key) }} />
          {groupLabel(key, "no role")}
        </span>
      ))}
    </span>
  );
}
