// The tooltip every chart shares: an absolutely positioned div inside the chart's host, placed
// at the pointer (d3.pointer) and kept inside the host's box. Content is built from text nodes,
// never HTML, because role, rig and session names come from the data.

import { pointer, timeFormat } from "d3";

export type TooltipLine = { text: string; color?: string; strong?: boolean };

export type Tooltip = { show: (event: MouseEvent, lines: TooltipLine[]) => void; hide: () => void };

export function tooltip(host: HTMLElement): Tooltip {
  let box = host.querySelector<HTMLDivElement>(":scope > .chart-tooltip");
  if (!box) {
    box = document.createElement("div");
    box.className =
      "chart-tooltip pointer-events-none absolute z-10 rounded-md border border-gray-700 bg-gray-950/95 px-2.5 py-1.5 text-xs text-gray-200 shadow-lg transition-opacity duration-100";
    box.setAttribute("role", "tooltip");
    box.style.opacity = "0";
    box.style.left = "0px";
    box.style.top = "0px";
    host.appendChild(box);
  }
  const element = box;
  return {
    show(event, lines) {
      element.replaceChildren(
        ...lines.map((line) => {
          const row = document.createElement("div");
          row.className = "flex items-center gap-1.5 whitespace-nowrap" + (line.strong ? " font-semibold text-white" : "");
          if (line.color) {
            const dot = document.createElement("span");
            dot.className = "inline-block h-2 w-2 rounded-full";
            dot.style.backgroundColor = line.color;
            row.appendChild(dot);
          }
          row.appendChild(document.createTextNode(line.text));
          return row;
        }),
      );
      const [x, y] = pointer(event, host);
      const width = element.offsetWidth;
      const height = element.offsetHeight;
      const left = x + 12 + width > host.clientWidth ? Math.max(0, x - 12 - width) : x + 12;
      const top = Math.min(Math.max(0, y - height - 8), Math.max(0, host.clientHeight - height));
      element.style.left = `${left}px`;
      element.style.top = `${top}px`;
      element.style.opacity = "1";
      element.dataset.visible = "true";
    },
    hide() {
      element.style.opacity = "0";
      element.dataset.visible = "false";
    },
  };
}

/** The chart's <svg>, created once per host and sized to it; its previous marks are cleared. */
export function freshSvg(host: HTMLElement, width: number, height: number): SVGSVGElement {
  let svg = host.querySelector<SVGSVGElement>(":scope > svg");
  if (!svg) {
    svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.style.display = "block";
    host.insertBefore(svg, host.firstChild);
  }
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren();
  return svg;
}

/** Axis styling for the dark theme. */
export function styleAxis(axis: SVGGElement): void {
  axis.querySelectorAll<SVGPathElement>(".domain").forEach((p) => p.setAttribute("stroke", "#374151"));
  axis.querySelectorAll<SVGLineElement>(".tick line").forEach((l) => l.setAttribute("stroke", "#374151"));
  axis.querySelectorAll<SVGTextElement>(".tick text").forEach((t) => {
    t.setAttribute("fill", "#9ca3af");
    t.style.fontSize = "10px";
  });
}

/** Cuts a label to fit `width` pixels at roughly `charWidth` per character, with an ellipsis. */
export function fitLabel(text: string, width: number, charWidth = 6.2): string | null {
  const room = Math.floor(width / charWidth);
  if (room >= text.length) return text;
  if (room < 2) return null;
  return text.slice(0, room - 1) + "…";
}

/** Calendar date "2026-03-07" as a UTC instant, so date axes have no zone shifts. */
export function dateValue(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/**
 * Tick labels for instants shown in the browser's zone: dates when the axis spans days, else times
 * of day with the date at midnight.
 */
export function instantTicks(domain: readonly [Date, Date]): (value: Date | { valueOf(): number }) => string {
  const spanDays = (domain[1].getTime() - domain[0].getTime()) / 86_400_000;
  const day = timeFormat("%b %d");
  const time = timeFormat("%H:%M");
  return (value) => {
    const date = value instanceof Date ? value : new Date(value.valueOf());
    if (spanDays > 3) return day(date);
    return date.getHours() === 0 && date.getMinutes() === 0 ? day(date) : time(date);
  };
}
