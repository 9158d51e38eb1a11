// Calendar dates ("YYYY-MM-DD") and the dashboard's date ranges. A range is a pair of calendar
// dates in the reporting zone (the browser's); the server receives them with `tz` and turns them
// into instants, so the client never does zone arithmetic on instants itself.

export type Preset = "today" | "7d" | "30d";
export type DateRange = { preset: Preset | "custom"; from: string; to: string };

export const PRESETS: readonly { preset: Preset; label: string; days: number }[] = [
  { preset: "today", label: "Today", days: 1 },
  { preset: "7d", label: "7 Days", days: 7 },
  { preset: "30d", label: "30 Days", days: 30 },
];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The browser's IANA zone, UTC when the runtime will not say. */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The calendar date an instant falls on in the given IANA zone. */
export function dateIn(zone: string, instant: Date): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

function toUtcDay(date: string): number {
  const match = DATE.exec(date);
  if (!match) throw new RangeError(`not a calendar date: ${date}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000;
}

function fromUtcDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Calendar arithmetic on dates (no zone involved: a date has no time). */
export function addDays(date: string, days: number): string {
  return fromUtcDay(toUtcDay(date) + days);
}

/** Days from `from` to `to`; 0 for the same date. */
export function daysBetween(from: string, to: string): number {
  return toUtcDay(to) - toUtcDay(from);
}

/** Every date from `from` to `to`, both included. */
export function datesFrom(from: string, to: string): string[] {
  const first = toUtcDay(from);
  const last = toUtcDay(to);
  const dates: string[] = [];
  for (let day = first; day <= last; day++) dates.push(fromUtcDay(day));
  return dates;
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(toUtcDay(date) * 86_400_000).getUTCDay();
}

/** A preset as dates in `zone` at `now`: "Today" is today there, "7 Days" ends today and spans 7. */
export function presetRange(preset: Preset, zone: string, now: Date): DateRange {
  const days = PRESETS.find((p) => p.preset === preset)?.days ?? 30;
  const to = dateIn(zone, now);
  return { preset, from: addDays(to, 1 - days), to };
}

/** A custom range, with from/to swapped when given backwards; null when a date is invalid. */
export function customRange(from: string, to: string): DateRange | null {
  if (!isCalendarDate(from) || !isCalendarDate(to)) return null;
  return daysBetween(from, to) >= 0 ? { preset: "custom", from, to } : { preset: "custom", from: to, to: from };
}
