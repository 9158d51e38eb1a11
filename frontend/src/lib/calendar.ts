// Cell layout of the spend calendar: one cell per day, a column per week (Sunday first), a row
// per weekday, and the month labels above the columns where each month begins.

import { addDays, datesFrom, weekday } from "./dateRange";

export type CalendarCell = { date: string; column: number; row: number };
export type MonthLabel = { label: string; column: number };
export type CalendarLayout = { cells: CalendarCell[]; columns: number; months: MonthLabel[] };

export const WEEKDAY_LABELS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Month labels closer than this many columns would overprint each other. */
const MIN_LABEL_GAP = 3;

/** The `days` days ending with `end` (included). */
export function calendarLayout(end: string, days = 365): CalendarLayout {
  const start = addDays(end, 1 - days);
  const offset = weekday(start);
  const cells = datesFrom(start, end).map((date, index) => ({
    date,
    column: Math.floor((index + offset) / 7),
    row: (index + offset) % 7,
  }));
  const columns = cells.length === 0 ? 0 : (cells[cells.length - 1]?.column ?? 0) + 1;

  const candidates: MonthLabel[] = [];
  for (const cell of cells) {
    const isFirstShown = cell === cells[0];
    if (isFirstShown || cell.date.endsWith("-01")) {
      // A month label sits over the first full week the month owns: the week of its 1st when the
      // 1st is a Sunday, else the next one.
      const column = isFirstShown || cell.row === 0 ? cell.column : cell.column + 1;
      if (column < columns) candidates.push({ label: MONTHS[Number(cell.date.slice(5, 7)) - 1] ?? "", column });
    }
  }
  // The partial first month yields to the next label when they would collide.
  const months = candidates.filter((label, i) => {
    const next = candidates[i + 1];
    return !(i === 0 && next && next.column - label.column < MIN_LABEL_GAP);
  });
  return { cells, columns, months };
}
