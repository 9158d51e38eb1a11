import { axisBottom, scaleBand, scaleLinear, select } from "d3";
import { useMemo, useState } from "react";
import { apiUrl, scopeQuery, type Beads } from "../../lib/api";
import { groupLabel } from "../../lib/colors";
import { beadBars, type BeadBar, type BeadGrouping } from "../../lib/breakdown";
import { formatCount, formatUsd, formatUsdAxis } from "../../lib/format";
import { useApi } from "../../hooks/useApi";
import type { Size } from "../../hooks/useElementSize";
import { useView } from "../../hooks/view";
import { ChartCard, ChartCanvas } from "../ui/ChartCard";
import { fitLabel, freshSvg, styleAxis, tooltip } from "./frame";

/** Horizontal bars of USD per bead closed, labelled with the bead count. */
export function drawCostPerBead(host: HTMLElement, bars: BeadBar[], { width, height }: Size): void {
  const margin = { top: 4, right: 12, bottom: 22, left: 84 };
  const innerWidth = Math.max(1, width - margin.left - margin.right);
  const innerHeight = Math.max(1, height - margin.top - margin.bottom);
  const y = scaleBand<string>().domain(bars.map((_, i) => String(i))).range([0, innerHeight]).padding(0.25);
  const max = Math.max(0, ...bars.map((b) => b.usd_per_bead ?? 0));
  const x = scaleLinear().domain([0, max > 0 ? max : 1]).nice().range([0, innerWidth * 0.72]);

  const svg = select(freshSvg(host, width, height));
  const tip = tooltip(host);
  const plot = svg.append("g").attr("transform", `translate(${margin.left},${margin.top})`);
  const axis = plot.append("g").attr("transform", `translate(0,${innerHeight})`)
    .call(axisBottom(x).ticks(Math.max(2, Math.floor(innerWidth / 90))).tickFormat((d) => formatUsdAxis(Number(d))));
  styleAxis(axis.node()!);

  const rows = plot.selectAll("g.bead-row").data(bars).join("g").attr("class", "bead-row")
    .attr("transform", (_, i) => `translate(0,${y(String(i)) ?? 0})`);
  rows.append("text").attr("class", "bead-group")
    .attr("x", -6).attr("y", y.bandwidth() / 2).attr("dy", "0.35em").attr("text-anchor", "end")
    .attr("fill", "#d1d5db").style("font-size", "10px")
    .text((b) => fitLabel(groupLabel(b.key), margin.left - 8, 5.8) ?? "");
  rows.filter((b) => b.usd_per_bead !== null).append("rect").attr("class", "bar")
    .attr("data-group", (b) => b.key ?? "")
    .attr("height", y.bandwidth()).attr("rx", 2)
    .attr("width", (b) => Math.max(2, x(b.usd_per_bead ?? 0)))
    .attr("fill", (b) => b.color).attr("fill-opacity", 0.85);
  rows.append("text").attr("class", "bead-count")
    .attr("x", (b) => (b.usd_per_bead === null ? 0 : Math.max(2, x(b.usd_per_bead)) + 6))
    .attr("y", y.bandwidth() / 2).attr("dy", "0.35em").attr("fill", "#9ca3af").style("font-size", "10px")
    .text((b) => (b.usd_per_bead === null
      ? `no beads · ${formatUsd(b.total_usd)} spent`
      : `${formatUsd(b.usd_per_bead)}/bead · ${formatCount(b.beads_closed)} bead${b.beads_closed === 1 ? "" : "s"}`));
  rows.append("rect").attr("class", "hover-target").attr("width", innerWidth).attr("height", y.bandwidth())
    .attr("fill", "transparent")
    .on("mousemove", (event: MouseEvent, b) => tip.show(event, [
      { text: groupLabel(b.key), strong: true, color: b.color },
      { text: `Spend ${formatUsd(b.total_usd)}` },
      { text: `Beads closed ${formatCount(b.beads_closed)}` },
      { text: b.usd_per_bead === null ? "No beads closed" : `${formatUsd(b.usd_per_bead)} per bead` },
    ]))
    .on("mouseleave", () => tip.hide());
}

export function CostPerBead() {
  const { range, zone, filters } = useView();
  const [by, setBy] = useState<BeadGrouping>("role");
  const beads = useApi<Beads>(apiUrl("/api/stats/beads", scopeQuery(range, zone, filters)), { refreshMs: 60_000 });
  const bars = useMemo(() => (beads.data ? beadBars(beads.data, by) : null), [beads.data, by]);
  const anyBeads = !!bars && bars.some((b) => b.usd_per_bead !== null);
  const toggle = (
    <div className="flex overflow-hidden rounded-md border border-gray-700 text-xs">
      {(["role", "rig"] as const).map((option) => (
        <button key={option} type="button" aria-pressed={by === option} data-group-by={option} onClick={() => setBy(option)}
          className={`px-2 py-0.5 ${by === option ? "bg-gray-700 text-white" : "text-gray-400 hover:bg-gray-800"}`}>
          By {option}
        </button>
      ))}
    </div>
  );
  return (
    <ChartCard testId="cost-per-bead" title="Cost per Bead" subtitle="Spend per bead closed" control={toggle}
      loading={beads.loading} error={beads.error} empty={!anyBeads} emptyText="No beads closed in this range">
      {bars && <ChartCanvas data={bars} draw={drawCostPerBead} />}
    </ChartCard>
  );
}
