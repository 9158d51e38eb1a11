import { scaleSequential, interpolateYlOrRd, select } from "d3";
import { useMemo } from "react";
import { apiUrl, filterQuery, type Daily } from "../../lib/api";
import { calendarLayout, WEEKDAY_LABELS, type CalendarLayout } from "../../lib/calendar";
import { addDays, dateIn, type DateRange } from "../../lib/dateRange";
import { formatCalendarDate, formatUsd, fromNanos, toNanos } from "../../lib/format";
import { useApi } from "../../hooks/useApi";
import type { Size } from "../../hooks/useElementSize";
import { useView } from "../../hooks/view";
import { ChartCard, ChartCanvas } from "../ui/ChartCard";
import { freshSvg, tooltip } from "./frame";

export const CALENDAR_DAYS = 365;

export type CalendarData = {
  layout: CalendarLayout;
  spend: Map<string, number>;
  max: number;
  range: DateRange;
  onSelect: (date: string) => void;
};

/** GitHub-style grid: a column per week, a row per weekday, each day colored by its spend. */
export function drawHeatCalendar(host: HTMLElement, data: CalendarData, { width, height }: Size): void {
  const left = 28;
  const topMargin = 14;
  const gap = 2;
  const { layout } = data;
  const step = Math.max(4, Math.min((width - left - 2) / Math.max(1, layout.columns), (height - topMargin - 2) / 7));
  const cell = step - gap;
  const svg = select(freshSvg(host, width, height));
  const tip = tooltip(host);
  const color = scaleSequential(interpolateYlOrRd).domain([0, data.max > 0 ? data.max : 1]);
  // Centered in whichever direction the grid does not fill.
  const offsetX = Math.max(0, (width - left - layout.columns * step) / 2);
  const offsetY = Math.max(0, (height - topMargin - 7 * step) / 2);
  const frame = svg.append("g").attr("transform", `translate(${offsetX},${offsetY})`);
  const grid = frame.append("g").attr("transform", `translate(${left},${topMargin})`);

  frame.append("g").selectAll("text.dayLabel").data(WEEKDAY_LABELS).join("text")
    .attr("class", "dayLabel")
    .attr("x", left - 4).attr("y", (_, row) => topMargin + row * step + cell / 2)
    .attr("dy", "0.35em").attr("text-anchor", "end").attr("fill", "#6b7280")
    .style("font-size", `${Math.min(9, Math.max(6, step * 0.75))}px`)
    .text((label) => label);

  frame.append("g").selectAll("text.monthLabel").data(layout.months).join("text")
    .attr("class", "monthLabel")
    .attr("x", (m) => left + m.column * step).attr("y", topMargin - 4)
    .attr("fill", "#9ca3af").style("font-size", "9px")
    .text((m) => m.label);

  const inRange = (date: string) => date >= data.range.from && date <= data.range.to;
  grid.selectAll("rect.day").data(layout.cells, (c) => (c as CalendarLayout["cells"][number]).date).join("rect")
    .attr("class", "day")
    .attr("data-date", (c) => c.date)
    .attr("data-usd", (c) => String(data.spend.get(c.date) ?? 0))
    .attr("x", (c) => c.column * step).attr("y", (c) => c.row * step)
    .attr("width", cell).attr("height", cell).attr("rx", Math.min(2, cell / 4))
    .attr("fill", (c) => {
      const usd = data.spend.get(c.date) ?? 0;
      return usd > 0 ? color(usd) : "#1f2937";
    })
    .attr("stroke", (c) => (inRange(c.date) ? "#e5e7eb" : "none"))
    .attr("stroke-opacity", 0.35)
    .style("cursor", "pointer")
    .on("mousemove", (event: MouseEvent, c) => tip.show(event, [
      { text: formatCalendarDate(c.date), strong: true },
      { text: formatUsd(data.spend.get(c.date) ?? 0) },
    ]))
    .on("mouseleave", () => tip.hide())
    .on("click", (_, c) => {
      tip.hide();
      data.onSelect(c.date);
    });
}

export function HeatCalendar() {
  const { zone, filters, range, setRange } = useView();
  // The calendar always shows the year to today; the picked range is outlined on it.
  const today = dateIn(zone, new Date());
  const from = addDays(today, 1 - CALENDAR_DAYS);
  const url = apiUrl("/api/stats/daily", { from, to: today, tz: zone, ...filterQuery(filters), group_by: "role" });
  const daily = useApi<Daily>(url, { refreshMs: 60_000 });

  const data = useMemo<CalendarData | null>(() => {
    if (!daily.data) return null;
    const nanos = new Map<string, bigint>();
    for (const row of daily.data.data) nanos.set(row.date, (nanos.get(row.date) ?? 0n) + toNanos(row.total_usd));
    const spend = new Map([...nanos].map(([date, n]) => [date, fromNanos(n)]));
    return {
      layout: calendarLayout(today, CALENDAR_DAYS),
      spend,
      max: Math.max(0, ...spend.values()),
      range,
      onSelect: (date) => setRange({ preset: "custom", from: date, to: date }),
    };
  }, [daily.data, today, range, setRange]);

  const daysWithSpend = data ? [...data.spend.values()].filter((v) => v > 0).length : 0;
  return (
    <ChartCard testId="heat-calendar" title="Spend Calendar"
      subtitle={data ? `Last ${CALENDAR_DAYS} days · ${daysWithSpend} with spend · click a day to focus on it` : `Last ${CALENDAR_DAYS} days`}
      loading={daily.loading} error={daily.error} empty={daysWithSpend === 0}
      emptyText={`No spend in the last ${CALENDAR_DAYS} days`} height={180}>
      {data && <ChartCanvas data={data} draw={drawHeatCalendar} />}
    </ChartCard>
  );
}
