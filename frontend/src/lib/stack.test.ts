import { describe, expect, it } from "vitest";
import { stackDaily } from "./stack";

describe("stackDaily", () => {
  const rows = [
    { date: "2026-03-07", key: "mayor", total_usd: 1.9022416 },
    { date: "2026-03-07", key: "polecat", total_usd: 4.0066152 },
    { date: "2026-03-08", key: "mayor", total_usd: 2.3923080 },
    { date: "2026-03-08", key: "crew", total_usd: 3.0071669 },
    { date: "2026-03-08", key: null, total_usd: 0.1 },
    { date: "2026-03-08", key: "deacon", total_usd: 0.2 },
  ];

  it("fills every date of the range and orders groups by spend", () => {
    const stacked = stackDaily(rows, "2026-03-06", "2026-03-08");
    expect(stacked.dates).toEqual(["2026-03-06", "2026-03-07", "2026-03-08"]);
    expect(stacked.keys).toEqual(["mayor", "polecat", "crew", "deacon", null]);
    expect(stacked.layers.map((l) => l.points.length)).toEqual([3, 3, 3, 3, 3]);
    expect(stacked.layers[0]?.points[0]).toEqual({ date: "2026-03-06", y0: 0, y1: 0, value: 0 });
  });

  it("stacks each layer on the ones below", () => {
    const stacked = stackDaily(rows, "2026-03-07", "2026-03-08");
    const day = (key: string | null) => stacked.layers.find((l) => l.key === key)!.points[1]!;
    expect(day("mayor")).toEqual({ date: "2026-03-08", y0: 0, y1: 2.392308, value: 2.392308 });
    expect(day("polecat")).toEqual({ date: "2026-03-08", y0: 2.392308, y1: 2.392308, value: 0 });
    expect(day("crew")).toEqual({ date: "2026-03-08", y0: 2.392308, y1: 5.3994749, value: 3.0071669 });
    expect(day("deacon")).toEqual({ date: "2026-03-08", y0: 5.3994749, y1: 5.5994749, value: 0.2 });
    expect(day(null)).toEqual({ date: "2026-03-08", y0: 5.5994749, y1: 5.6994749, value: 0.1 });
  });

  it("keeps exact daily totals", () => {
    const stacked = stackDaily(rows, "2026-03-07", "2026-03-08");
    expect(stacked.totals.get("2026-03-07")).toBe(5.9088568);
    expect(stacked.totals.get("2026-03-08")).toBe(5.6994749);
    expect(stacked.max).toBe(5.9088568);
    expect(stackDaily([{ date: "2026-03-08", key: "a", total_usd: 0.1 }, { date: "2026-03-08", key: "b", total_usd: 0.2 }],
      "2026-03-08", "2026-03-08").totals.get("2026-03-08")).toBe(0.3);
  });

  it("ignores rows outside the range and answers empty for no rows", () => {
    const stacked = stackDaily(rows, "2026-03-09", "2026-03-09");
    expect(stacked.keys).toEqual([]);
    expect(stacked.max).toBe(0);
    expect(stacked.totals.get("2026-03-09")).toBe(0);
  });
});
