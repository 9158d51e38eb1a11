import { describe, expect, it } from "vitest";
import { mergeEvents, type LiveEvent } from "./liveEvents";

const event = (id: number, cost = id / 100): LiveEvent => ({
  id, receivedAt: 0,
  data: { session_id: `s${id}`, role: "polecat", worker: null, rig: null, model: null, cost_usd: cost, ended_at: "2026-03-07T14:00:00Z" },
});

describe("mergeEvents", () => {
  it("keeps the newest first", () => {
    expect(mergeEvents([event(2), event(1)], [event(3), event(4)]).map((e) => e.id)).toEqual([4, 3, 2, 1]);
  });

  it("keeps each id once when a replay repeats events", () => {
    const merged = mergeEvents([event(5, 0.5), event(4)], [event(4, 9), event(5, 9), event(6)]);
    expect(merged.map((e) => e.id)).toEqual([6, 5, 4]);
    expect(merged.find((e) => e.id === 5)?.data.cost_usd).toBe(0.5);
  });

  it("keeps at most 100, dropping the oldest", () => {
    const many = Array.from({ length: 150 }, (_, i) => event(i + 1));
    const merged = mergeEvents([], many);
    expect(merged).toHaveLength(100);
    expect(merged[0]?.id).toBe(150);
    expect(merged.at(-1)?.id).toBe(51);
    expect(mergeEvents(merged, [event(151)]).map((e) => e.id).slice(0, 2)).toEqual([151, 150]);
    expect(mergeEvents(merged, [event(151)])).toHaveLength(100);
  });
});
