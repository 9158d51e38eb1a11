import { describe, expect, it } from "vitest";
import type { Run, SessionSnapshot } from "./api";
import { cumulativeSpend, tokenTotals } from "./session";

const snapshot = (ended_at: string, run: number, cost_usd: number, increment_usd: number): SessionSnapshot => ({
  ended_at, run, cost_usd, increment_usd, input_tokens: null, output_tokens: null, cache_read_tokens: null, cache_create_tokens: null,
});

describe("cumulativeSpend", () => {
  it("adds increments in time order across runs, exactly", () => {
    const points = cumulativeSpend([
      snapshot("2026-03-08T06:20:33Z", 1, 2.7415009, 0.8392593),
      snapshot("2026-03-07T14:12:44Z", 1, 0.4213087, 0.4213087),
      snapshot("2026-03-08T12:02:19Z", 2, 0.312044, 0.312044),
      snapshot("2026-03-07T14:40:09Z", 1, 1.058723, 0.6374143),
      snapshot("2026-03-08T02:58:40Z", 1, 1.9022416, 0.8435186),
    ]);
    expect(points.map((p) => p.usd)).toEqual([0.4213087, 1.058723, 1.9022416, 2.7415009, 3.0535449]);
    expect(points.map((p) => p.run)).toEqual([1, 1, 1, 1, 2]);
  });

  it("never shows float noise in the running total", () => {
    const points = cumulativeSpend([snapshot("2026-03-07T00:00:00Z", 1, 0.1, 0.1), snapshot("2026-03-07T00:01:00Z", 1, 0.3, 0.2)]);
    expect(points[1]?.usd).toBe(0.3);
  });
});

describe("tokenTotals", () => {
  it("sums each token type over runs, missing counts as zero", () => {
    const run = (input: number | null, output: number | null, read: number | null, create: number | null) =>
      ({ input_tokens: input, output_tokens: output, cache_read_tokens: read, cache_create_tokens: create }) as Run;
    expect(tokenTotals([run(1000, 500, 200, 100), run(4, null, 31300, 7650)]))
      .toEqual({ input: 1004, output: 500, cacheRead: 31500, cacheCreate: 7750 });
  });
});
