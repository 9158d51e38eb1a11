// Money and quantity formatting for every page and chart. Money arrives as JSON numbers in USD
// that the server computed exactly from nano-dollars. A double cannot hold most decimals, but its
// shortest round-trip text (String(x)) gives back the decimal the server wrote, so money is
// always formatted from that text with decimal arithmetic on BigInt nano-dollars: no toFixed, no
// float sums, so 0.1 + 0.2 can never print as 0.30000000000000004.

const NANOS_PER_USD = 1_000_000_000n;

/** The exact decimal text of a finite number, without exponent notation ("1e-7" -> "0.0000001"). */
export function decimalText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = "", exponentText] = match;
  const exponent = Number(exponentText);
  const digits = (whole ?? "") + fraction;
  const point = (whole ?? "").length + exponent;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** USD (a JSON number) to nano-dollars, rounding half away from zero past the ninth decimal. */
export function toNanos(usd: number): bigint {
  const text = decimalText(usd);
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? text.slice(1) : text).split(".");
  let nanos = BigInt(whole) * NANOS_PER_USD + BigInt((fraction + "000000000").slice(0, 9));
  if ((fraction[9] ?? "0") >= "5") nanos += 1n;
  return negative ? -nanos : nanos;
}

/**
 * Nano-dollars back to a JSON-style number. Both operands are exact doubles below 2^53 and IEEE
 * division rounds correctly, so the result prints as the same decimal (to $9 million exactly).
 */
export function fromNanos(nanos: bigint): number {
  return Number(nanos) / 1e9;
}

/** Exact sum of USD amounts, in nano-dollars. */
export function sumNanos(amounts: Iterable<number>): bigint {
  let total = 0n;
  for (const amount of amounts) total += toNanos(amount);
  return total;
}

/** Exact sum of USD amounts, as a number that prints without float noise. */
export function sumUsd(amounts: Iterable<number>): number {
  return fromNanos(sumNanos(amounts));
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Rounds nano-dollars to `decimals` places (half away from zero) and writes "$1,234.56". */
export function formatNanos(nanos: bigint, decimals = 2): string {
  const negative = nanos < 0n;
  const magnitude = negative ? -nanos : nanos;
  const unit = 10n ** BigInt(9 - decimals);
  const rounded = (magnitude + unit / 2n) / unit;
  const scale = 10n ** BigInt(decimals);
  const whole = groupThousands((rounded / scale).toString());
  const fraction = decimals > 0 ? "." + (rounded % scale).toString().padStart(decimals, "0") : "";
  return `${negative && rounded > 0n ? "-" : ""}$${whole}${fraction}`;
}

/**
 * "$1,234.56". Amounts under a cent keep four decimals so a cheap run does not read as free;
 * amounts under $0.0001 read "<$0.0001".
 */
export function formatUsd(usd: number | bigint): string {
  const nanos = typeof usd === "bigint" ? usd : toNanos(usd);
  const magnitude = nanos < 0n ? -nanos : nanos;
  if (magnitude === 0n || magnitude >= 10_000_000n) return formatNanos(nanos, 2);
  if (magnitude < 50_000n) return nanos < 0n ? "-<$0.0001" : "<$0.0001";
  return formatNanos(nanos, 4);
}

/** Every decimal the server sent, at least two: "$14.9544253", "$3.10". For tooltips and details. */
export function formatUsdExact(usd: number | bigint): string {
  const nanos = typeof usd === "bigint" ? usd : toNanos(usd);
  const full = formatNanos(nanos, 9);
  return full.replace(/(\.\d\d\d*?)0+$/, "$1");
}

/** Short axis labels: "$0", "$0.50", "$12", "$1.2k", "$3.4M". */
export function formatUsdAxis(usd: number): string {
  const nanos = toNanos(usd);
  const magnitude = nanos < 0n ? -nanos : nanos;
  if (magnitude >= 1_000_000n * NANOS_PER_USD) return compact(nanos, 1_000_000n * NANOS_PER_USD, "M");
  if (magnitude >= 1_000n * NANOS_PER_USD) return compact(nanos, 1_000n * NANOS_PER_USD, "k");
  if (magnitude >= 10n * NANOS_PER_USD || magnitude % NANOS_PER_USD === 0n) return formatNanos(nanos, 0);
  return formatNanos(nanos, 2);
}

function compact(nanos: bigint, unit: bigint, suffix: string): string {
  const tenths = (nanos * 10n + (nanos < 0n ? -unit / 2n : unit / 2n)) / unit;
  const negative = tenths < 0n;
  const magnitude = negative ? -tenths : tenths;
  const text = magnitude % 10n === 0n ? `${magnitude / 10n}` : `${magnitude / 10n}.${magnitude % 10n}`;
  return `${negative ? "-" : ""}$${text}${suffix}`;
}

/** Token counts in full with separators: "1,234,567". */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return "—";
  return groupThousands(Math.round(count).toString());
}

/** Token counts in short form for cards and charts: "950", "12.3k", "4.5M". */
export function formatTokens(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return "—";
  const magnitude = Math.abs(count);
  if (magnitude < 1_000) return `${Math.round(count)}`;
  const [unit, suffix] = magnitude < 1_000_000 ? [1_000, "k"] : magnitude < 1_000_000_000 ? [1_000_000, "M"] : [1_000_000_000, "B"];
  const tenths = Math.round((count / unit) * 10);
  return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}${suffix}`;
}

/** Durations: "42s", "5m 03s", "2h 07m". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  const total = Math.round(seconds);
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${String(total % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** An instant shown in the given zone: "Mar 7, 14:05". */
export function formatDateTime(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat("en-US", {
    timeZone: zone, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(date);
}

/** A time of day in the given zone: "14:05:09". */
export function formatTimeOfDay(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).format(date);
}

/** A calendar date ("2026-03-07") written out: "Sat, Mar 7, 2026". */
export function formatCalendarDate(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  const instant = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1));
  return new Intl.DateTimeFormat("en-US", {
    timeZone: "UTC", weekday: "short", month: "short", day: "numeric", year: "numeric",
  }).format(instant);
}
