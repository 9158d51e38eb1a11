import { arc, interpolateNumber, scaleLinear, select } from "d3";
// d3 is marked side-effect free, so selection.transition() must be installed explicitly.
import "d3-transition";
import { apiUrl, filterQuery, type Hourly } from "../../lib/api";
import { formatUsd } from "../../lib/format";
import { zoneOf, type Zone } from "../../lib/breakdown";
import { useApi } from "../../hooks/useApi";
import type { Size } from "../../hooks/useElementSize";
import { useView } from "../../hooks/view";
import { ChartCard, ChartCanvas } from "../ui/ChartCard";
import { freshSvg, tooltip } from "./frame";

const SWEEP = (2 * Math.PI) / 3; // the gauge runs from -120° to +120°
export const ZONE_COLORS: Record<Zone, string> = { green: "#22c55e", yellow: "#eab308", red: "#ef4444" };

/** Radial gauge of today's spend over green / yellow / red zones; the value arc animates. */
export function drawBurnGauge(host: HTMLElement, data: Hourly, { width, height }: Size): void {
  const { yellow_usd: yellow, red_usd: red } = data.thresholds;
  const top = Math.max(red * 1.4, data.today_usd * 1.1, data.projected_today_usd * 1.05, 1);
  const angle = scaleLinear().domain([0, top]).range([-SWEEP, SWEEP]).clamp(true);
  const radius = Math.max(20, Math.min(width / 2 - 8, (height - 8) / 1.55));
  const thickness = Math.max(8, radius * 0.2);
  const svg = select(freshSvg(host, width, height));
  const tip = tooltip(host);
  const center = svg.append("g").attr("transform", `translate(${width / 2},${radius + 8})`);

  const band = arc<{ from: number; to: number }>()
    .innerRadius(radius - thickness).outerRadius(radius)
    .startAngle((d) => angle(d.from)).endAngle((d) => angle(d.to)).cornerRadius(2);
  const zones = [
    { zone: "green" as const, from: 0, to: yellow },
    { zone: "yellow" as const, from: yellow, to: red },
    { zone: "red" as const, from: red, to: top },
  ];
  center.selectAll("path.zone").data(zones).join("path")
    .attr("class", (d) => `zone zone-${d.zone}`)
    .attr("fill", (d) => ZONE_COLORS[d.zone]).attr("fill-opacity", 0.18)
    .attr("d", band);

  // The value arc sits inside the zone track and grows from the last value drawn.
  const valueArc = arc<number>().innerRadius(radius - thickness * 2.1).outerRadius(radius - thickness - 3)
    .startAngle(-SWEEP).endAngle((usd) => angle(usd)).cornerRadius(3);
  const previous = Number(host.dataset.gaugeValue ?? 0);
  host.dataset.gaugeValue = String(data.today_usd);
  const zone = zoneOf(data.today_usd, data.thresholds);
  center.append("path").attr("class", "value-arc").attr("data-zone", zone).attr("fill", ZONE_COLORS[zone])
    .attr("d", valueArc(previous))
    .transition().duration(700)
    .attrTween("d", () => {
      const between = interpolateNumber(previous, data.today_usd);
      return (t) => valueArc(between(t)) ?? "";
    });

  for (const [usd, label] of [[yellow, formatUsd(yellow)], [red, formatUsd(red)]] as const) {
    const a = angle(usd) - Math.PI / 2;
    center.append("text").attr("class", "threshold-label")
      .attr("x", Math.cos(a) * (radius + 2)).attr("y", Math.sin(a) * (radius + 2))
      .attr("text-anchor", usd < top / 2 ? "end" : "start").attr("fill", "#6b7280").style("font-size", "9px")
      .text(label.replace(".00", ""));
  }

  center.append("text").attr("class", "gauge-value").attr("text-anchor", "middle").attr("y", -radius * 0.12)
    .attr("fill", "#f9fafb").style("font-size", `${Math.max(14, radius * 0.3)}px`).style("font-weight", "600")
    .text(formatUsd(data.today_usd));
  center.append("text").attr("class", "gauge-label").attr("text-anchor", "middle").attr("y", radius * 0.12)
    .attr("fill", "#9ca3af").style("font-size", "11px").text("today");

  center.append("circle").attr("class", "hover-target").attr("r", radius).attr("fill", "transparent")
    .on("mousemove", (event: MouseEvent) => tip.show(event, [
      { text: `Today ${formatUsd(data.today_usd)}`, strong: true, color: ZONE_COLORS[zone] },
      { text: `Burn rate ${formatUsd(data.burn_rate_usd_per_hour)}/h` },
      { text: `Projected today ${formatUsd(data.projected_today_usd)}` },
      { text: `Daily average ${formatUsd(data.daily_average_usd)}` },
      { text: `Zones: green < ${formatUsd(yellow)} ≤ yellow < ${formatUsd(red)} ≤ red` },
    ]))
    .on("mouseleave", () => tip.hide());
}

export function BurnGauge({ refreshToken }: { refreshToken: number }) {
  const { zone, filters } = useView();
  const url = apiUrl("/api/stats/hourly", { hours: 24, tz: zone, ...filterQuery(filters) });
  const hourly = useApi<Hourly>(url, { refreshMs: 30_000, refreshToken });
  const data = hourly.data;
  return (
    <ChartCard testId="burn-gauge" title="Burn Rate" subtitle="Today's spend against the daily zones"
      loading={hourly.loading} error={hourly.error} empty={!data} emptyText="No spend data yet" height={260}>
      {data && (
        <>
          <div className="absolute inset-x-0 top-0 bottom-12"><ChartCanvas data={data} draw={drawBurnGauge} /></div>
          <div className="absolute inset-x-0 bottom-0 grid grid-cols-2 gap-2 text-center text-xs">
            <div data-testid="burn-rate" className="rounded-lg bg-gray-800/60 px-2 py-1.5">
              <div className="text-gray-500">Burn rate</div>
              <div className="font-medium tabular-nums text-gray-100">{formatUsd(data.burn_rate_usd_per_hour)}/h</div>
            </div>
            <div data-testid="daily-average" className="rounded-lg bg-gray-800/60 px-2 py-1.5">
              <div className="text-gray-500">Daily average</div>
              <div className="font-medium tabular-nums text-gray-100">{formatUsd(data.daily_average_usd)}</div>
            </div>
          </div>
        </>
      )}
    </ChartCard>
  );
}
