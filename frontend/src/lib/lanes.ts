// Lane packing for the session timeline: runs that overlap in time go to different lanes, so
// parallel sessions stand side by side. Taking intervals by start time and putting each in the
// lowest free lane is optimal for intervals: it never opens more lanes than the largest number
// of runs in progress at one moment.

import type { Run } from "./api";

export type Interval = { start: number; end: number };

/**
 * A run's span in epoch milliseconds. The stop hook's duration_sec covers the whole conversation,
 * which usually began before the first snapshot arrived, so the bar starts at whichever is earlier.
 */
export function runSpan(run: Pick<Run, "started_at" | "ended_at" | "duration_sec">): Interval {
  const end = Date.parse(run.ended_at);
  const firstSeen = Date.parse(run.started_at);
  const byDuration = run.duration_sec !== null && run.duration_sec > 0 ? end - run.duration_sec * 1000 : firstSeen;
  return { start: Math.min(firstSeen, byDuration), end };
}

export type Packing = {
  /** Lane of each interval, in the order given. */
  lanes: number[];
  laneCount: number;
};

/**
 * `minSpan` widens very short intervals to the width they are drawn at, so two runs of zero
 * duration at the same moment do not land on top of each other.
 */
export function packLanes(intervals: readonly Interval[], minSpan = 0): Packing {
  const order = intervals
    .map((interval, index) => ({ index, start: interval.start, end: Math.max(interval.end, interval.start + minSpan) }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
  const laneEnds: number[] = [];
  const lanes = new Array<number>(intervals.length).fill(0);
  for (const item of order) {
    let lane = laneEnds.findIndex((end) => end <= item.start);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(item.end);
    } else {
      laneEnds[lane] = item.end;
    }
    lanes[item.index] = lane;
  }
  return { lanes, laneCount: laneEnds.length };
}

/** The largest number of intervals in progress at one instant (touching ends do not overlap). */
export function maxOverlap(intervals: readonly Interval[]): number {
  const events = intervals.flatMap((i) => [
    { at: i.start, delta: 1 },
    { at: Math.max(i.end, i.start), delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let peak = 0;
  for (const event of events) {
    current += event.delta;
    peak = Math.max(peak, current);
  }
  return peak;
}
