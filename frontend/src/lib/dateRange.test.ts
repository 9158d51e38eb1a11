import { describe, expect, it } from "vitest";
import { addDays, customRange, dateIn, datesFrom, daysBetween, isCalendarDate, presetRange, weekday } from "./dateRange";

describe("dates in a zone", () => {
  it("takes today's date from the zone, not from UTC", () => {
    const instant = new Date("2026-03-08T03:30:00Z");
    expect(dateIn("UTC", instant)).toBe("2026-03-08");
    expect(dateIn("America/New_York", instant)).toBe("2026-03-07");
    expect(dateIn("Asia/Kathmandu", new Date("2026-03-07T18:14:00Z"))).toBe("2026-03-07");
    expect(dateIn("Asia/Kathmandu", new Date("2026-03-07T18:15:00Z"))).toBe("2026-03-08");
    expect(dateIn("Pacific/Kiritimati", new Date("2026-12-31T10:00:00Z"))).toBe("2027-01-01");
  });

  it("turns presets into from/to dates ending today in the zone", () => {
    const instant = new Date("2026-03-08T03:30:00Z");
    expect(presetRange("today", "America/New_York", instant)).toEqual({ preset: "today", from: "2026-03-07", to: "2026-03-07" });
    expect(presetRange("7d", "America/New_York", instant)).toEqual({ preset: "7d", from: "2026-03-01", to: "2026-03-07" });
    expect(presetRange("30d", "America/New_York", instant)).toEqual({ preset: "30d", from: "2026-02-06", to: "2026-03-07" });
    expect(presetRange("30d", "UTC", instant)).toEqual({ preset: "30d", from: "2026-02-07", to: "2026-03-08" });
    expect(presetRange("7d", "Asia/Tokyo", new Date("2026-12-31T16:00:00Z"))).toEqual({ preset: "7d", from: "2026-12-26", to: "2027-01-01" });
  });

  it("spans the daylight-saving switch as whole calendar days", () => {
    // 2026-03-08 has 23 hours in New York; a 7-day range is still 7 dates.
    const range = presetRange("7d", "America/New_York", new Date("2026-03-10T15:00:00Z"));
    expect(datesFrom(range.from, range.to)).toEqual([
      "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10",
    ]);
  });
});

describe("calendar arithmetic", () => {
  it("adds days across months and leap years", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(daysBetween("2026-01-01", "2026-12-31")).toBe(364);
    expect(weekday("2026-03-08")).toBe(0);
    expect(weekday("2026-03-07")).toBe(6);
  });

  it("validates and orders custom ranges", () => {
    expect(isCalendarDate("2026-02-29")).toBe(false);
    expect(isCalendarDate("2028-02-29")).toBe(true);
    expect(customRange("2026-03-09", "2026-03-01")).toEqual({ preset: "custom", from: "2026-03-01", to: "2026-03-09" });
    expect(customRange("2026-13-01", "2026-03-01")).toBeNull();
  });
});
