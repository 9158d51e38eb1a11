import { describe, expect, it } from "vitest";
import { calendarLayout } from "./calendar";

describe("calendarLayout", () => {
  it("lays 365 days in weekday rows and week columns", () => {
    // 2026-12-31 is a Thursday; the year starts on Thursday 2026-01-01.
    const layout = calendarLayout("2026-12-31");
    expect(layout.cells).toHaveLength(365);
    expect(layout.cells[0]).toEqual({ date: "2026-01-01", column: 0, row: 4 });
    expect(layout.cells[3]).toEqual({ date: "2026-01-04", column: 1, row: 0 });
    expect(layout.cells[364]).toEqual({ date: "2026-12-31", column: 52, row: 4 });
    expect(layout.columns).toBe(53);
    expect(new Set(layout.cells.map((c) => c.date)).size).toBe(365);
    const positions = new Set(layout.cells.map((c) => `${c.column}:${c.row}`));
    expect(positions.size).toBe(365);
    expect(layout.cells.every((c) => c.row >= 0 && c.row < 7)).toBe(true);
  });

  it("ends on the given day, which is the last cell", () => {
    const layout = calendarLayout("2026-03-08");
    expect(layout.cells[0]?.date).toBe("2025-03-09");
    expect(layout.cells.at(-1)).toEqual({ date: "2026-03-08", column: 52, row: 0 });
    expect(layout.columns).toBe(53);
  });

  it("labels each month over its first full week", () => {
    const layout = calendarLayout("2026-12-31");
    expect(layout.months.map((m) => m.label)).toEqual(
      ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]);
    // Feb 1 2026 is a Sunday: its own column. Mar 1 is a Sunday too. Apr 1 is a Wednesday: next column.
    expect(layout.months.slice(0, 4)).toEqual([
      { label: "Jan", column: 0 },
      { label: "Feb", column: 5 },
      { label: "Mar", column: 9 },
      { label: "Apr", column: 14 },
    ]);
  });

  it("drops the partial first month's label when it would collide", () => {
    // Starts 2025-03-30 (Sunday): March shows one column, then April begins at column 1/2.
    const layout = calendarLayout("2026-03-28");
    expect(layout.cells[0]?.date).toBe("2025-03-29");
    expect(layout.months[0]?.label).toBe("Apr");
    expect(layout.months.at(-1)?.label).toBe("Mar");
  });

  it("handles short spans", () => {
    const layout = calendarLayout("2026-03-08", 7);
    expect(layout.cells.map((c) => [c.column, c.row])).toEqual([[0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6], [1, 0]]);
    expect(layout.columns).toBe(2);
  });
});
