import { describe, expect, it } from "vitest";
import { maxOverlap, packLanes, runSpan, type Interval } from "./lanes";

function overlapsInSameLane(intervals: Interval[], lanes: number[], minSpan = 0): boolean {
  for (let i = 0; i < intervals.length; i++)
    for (let j = i + 1; j < intervals.length; j++) {
      if (lanes[i] !== lanes[j]) continue;
      const a = intervals[i]!, b = intervals[j]!;
      const aEnd = Math.max(a.end, a.start + minSpan), bEnd = Math.max(b.end, b.start + minSpan);
      if (a.start < bEnd && b.start < aEnd) return true;
    }
  return false;
}

describe("packLanes", () => {
  it("puts runs that do not overlap in one lane", () => {
    const runs = [{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 25, end: 30 }];
    expect(packLanes(runs)).toEqual({ lanes: [0, 0, 0], laneCount: 1 });
  });

  it("opens a lane per parallel run and reuses the lowest free lane", () => {
    const runs = [
      { start: 0, end: 10 },
      { start: 2, end: 6 },
      { start: 4, end: 12 },
      { start: 7, end: 9 },
      { start: 11, end: 15 },
    ];
    expect(packLanes(runs)).toEqual({ lanes: [0, 1, 2, 1, 0], laneCount: 3 });
  });

  it("answers in input order whatever order the runs come in", () => {
    const runs = [{ start: 7, end: 9 }, { start: 0, end: 10 }, { start: 2, end: 6 }];
    expect(packLanes(runs)).toEqual({ lanes: [1, 0, 1], laneCount: 2 });
  });

  it("widens zero-length runs to their drawn width", () => {
    const runs = [{ start: 5, end: 5 }, { start: 5, end: 5 }, { start: 6, end: 6 }];
    expect(packLanes(runs).laneCount).toBe(1);
    expect(packLanes(runs, 2)).toEqual({ lanes: [0, 1, 2], laneCount: 3 });
    expect(packLanes(runs, 1)).toEqual({ lanes: [0, 1, 0], laneCount: 2 });
  });

  it("never overlaps and uses as many lanes as the peak of parallel runs", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let round = 0; round < 50; round++) {
      const runs = Array.from({ length: 60 }, () => {
        const start = Math.floor(random() * 1000);
        return { start, end: start + Math.floor(random() * 120) };
      });
      const { lanes, laneCount } = packLanes(runs);
      expect(overlapsInSameLane(runs, lanes)).toBe(false);
      expect(laneCount).toBe(maxOverlap(runs));
      expect(Math.max(...lanes) + 1).toBe(laneCount);
    }
  });

  it("handles no runs", () => {
    expect(packLanes([])).toEqual({ lanes: [], laneCount: 0 });
  });
});

describe("runSpan", () => {
  it("starts at the first snapshot or earlier when the hook reports a longer duration", () => {
    const ended_at = "2026-03-07T15:00:00Z";
    const end = Date.parse(ended_at);
    expect(runSpan({ started_at: "2026-03-07T14:00:00Z", ended_at, duration_sec: 5400 })).toEqual({ start: end - 5_400_000, end });
    expect(runSpan({ started_at: "2026-03-07T14:00:00Z", ended_at, duration_sec: 60 })).toEqual({ start: end - 3_600_000, end });
    expect(runSpan({ started_at: ended_at, ended_at, duration_sec: null })).toEqual({ start: end, end });
  });
});
