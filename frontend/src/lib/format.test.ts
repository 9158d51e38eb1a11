import { describe, expect, it } from "vitest";
import {
  decimalText, formatCount, formatDuration, formatNanos, formatTokens, formatUsd, formatUsdAxis,
  formatUsdExact, fromNanos, sumNanos, sumUsd, toNanos,
} from "./format";

describe("money from JSON numbers", () => {
  it("reads the decimal the server wrote, exponent notation included", () => {
    expect(decimalText(14.9544253)).toBe("14.9544253");
    expect(decimalText(1e-7)).toBe("0.0000001");
    expect(decimalText(1.5e-9)).toBe("0.0000000015");
    expect(decimalText(1e21)).toBe("1000000000000000000000");
    expect(decimalText(-2.5e-7)).toBe("-0.00000025");
  });

  it("converts to nano-dollars exactly", () => {
    expect(toNanos(14.9544253)).toBe(14_954_425_300n);
    expect(toNanos(0.1)).toBe(100_000_000n);
    expect(toNanos(1_000_000_000)).toBe(1_000_000_000_000_000_000n);
    expect(toNanos(-0.42)).toBe(-420_000_000n);
    // The seed's 17-digit float rounds at the ninth decimal.
    expect(toNanos(1.0587230000000003)).toBe(1_058_723_000n);
    expect(toNanos(0.0000000015)).toBe(2n);
  });

  it("sums without float noise", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumUsd([0.1, 0.2])).toBe(0.3);
    expect(String(sumUsd([0.1, 0.2]))).toBe("0.3");
    expect(sumNanos([4.2945496, 6.1264156, 3.0071669, 0.6035521, 0.3987312, 0.3324518, 0.1403377, 0.0512204, 0]))
      .toBe(14_954_425_300n);
    expect(String(fromNanos(14_954_425_300n))).toBe("14.9544253");
  });
});

describe("formatUsd", () => {
  it("shows dollars and cents with separators", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(0.42)).toBe("$0.42");
    expect(formatUsd(14.9544253)).toBe("$14.95");
    expect(formatUsd(1234567.891)).toBe("$1,234,567.89");
    expect(formatUsd(1_000_000_000)).toBe("$1,000,000,000.00");
    expect(formatUsd(-3.5)).toBe("-$3.50");
  });

  it("never prints float noise", () => {
    expect(formatUsd(0.1 + 0.2)).toBe("$0.30");
    expect(formatUsdExact(0.1 + 0.2)).toBe("$0.30");
    expect(formatUsdExact(sumUsd([0.1, 0.2]))).toBe("$0.30");
  });

  it("rounds half away from zero on the decimal, not the double", () => {
    // 1.005 is stored as 1.00499999999999989..., toFixed(2) would say "1.00".
    expect(formatUsd(1.005)).toBe("$1.01");
    expect(formatUsd(2.675)).toBe("$2.68");
    expect(formatUsd(0.125)).toBe("$0.13");
    expect(formatUsd(-1.005)).toBe("-$1.01");
  });

  it("keeps sub-cent amounts visible", () => {
    expect(formatUsd(0.0042)).toBe("$0.0042");
    expect(formatUsd(0.00995)).toBe("$0.0100");
    expect(formatUsd(0.00004)).toBe("<$0.0001");
  });

  it("formats nano-dollars directly", () => {
    expect(formatUsd(14_954_425_300n)).toBe("$14.95");
    expect(formatNanos(14_954_425_300n, 4)).toBe("$14.9544");
    expect(formatNanos(-4n, 2)).toBe("$0.00");
  });

  it("shows every decimal sent in exact form", () => {
    expect(formatUsdExact(14.9544253)).toBe("$14.9544253");
    expect(formatUsdExact(3.1)).toBe("$3.10");
    expect(formatUsdExact(0)).toBe("$0.00");
    expect(formatUsdExact(0.000000001)).toBe("$0.000000001");
  });

  it("writes short axis labels", () => {
    expect(formatUsdAxis(0)).toBe("$0");
    expect(formatUsdAxis(0.5)).toBe("$0.50");
    expect(formatUsdAxis(0.30000000000000004)).toBe("$0.30");
    expect(formatUsdAxis(5)).toBe("$5");
    expect(formatUsdAxis(12.5)).toBe("$13");
    expect(formatUsdAxis(1250)).toBe("$1.3k");
    expect(formatUsdAxis(2000)).toBe("$2k");
    expect(formatUsdAxis(3_400_000)).toBe("$3.4M");
  });
});

describe("counts and durations", () => {
  it("formats token counts", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(null)).toBe("—");
    expect(formatTokens(950)).toBe("950");
    expect(formatTokens(12_345)).toBe("12.3k");
    expect(formatTokens(2_000_000)).toBe("2M");
    expect(formatTokens(4_560_000_000)).toBe("4.6B");
  });

  it("formats durations", () => {
    expect(formatDuration(42)).toBe("42s");
    expect(formatDuration(303)).toBe("5m 03s");
    expect(formatDuration(7620)).toBe("2h 07m");
    expect(formatDuration(null)).toBe("—");
  });
});
