using System.Globalization;
using System.Text.RegularExpressions;

namespace Gasometer.Time;

/// <summary>
/// A UTC instant in nanoseconds since the Unix epoch, plus the offset the sender wrote it with.
/// Nanoseconds because hooks send up to nine fractional digits and two snapshots that differ only
/// in the ninth digit are still two snapshots; DateTimeOffset stops at 100 ns.
/// </summary>
public readonly record struct Instant(long UnixNanos, short OffsetMinutes)
{
    public const long NanosPerSecond = 1_000_000_000L;
    const long NanosPerTick = 100;

    static readonly long MinNanos = ToUnixNanos(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    static readonly long MaxNanos = ToUnixNanos(new DateTime(2200, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    static readonly Regex Rfc3339 = new(
        @"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?$",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public DateTimeOffset ToDateTimeOffset() =>
        new DateTimeOffset(DateTime.UnixEpoch.AddTicks(UnixNanos / NanosPerTick), TimeSpan.Zero)
            .ToOffset(TimeSpan.FromMinutes(OffsetMinutes));

    /// <summary>
    /// RFC 3339 with any offset and 0 to 9 fractional digits; seconds may be omitted (the seed's own
    /// example is "2026-02-26T10:00Z") and a missing offset means UTC.
    /// </summary>
    public static bool TryParse(string text, out Instant instant, out string problem)
    {
        instant = default;
        var m = Rfc3339.Match(text);
        if (!m.Success)
        {
            problem = "must be an RFC 3339 date-time such as 2026-03-07T09:12:44.5-05:00";
            return false;
        }
        int Part(int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        int year = Part(1), month = Part(2), day = Part(3), hour = Part(4), minute = Part(5);
        int second = m.Groups[6].Success ? Part(6) : 0;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            problem = "is not a real calendar date and time";
            return false;
        }
        long fractionNanos = 0;
        if (m.Groups[7].Success)
            fractionNanos = long.Parse(m.Groups[7].Value.PadRight(9, '0'), CultureInfo.InvariantCulture);

        int offsetMinutes = 0;
        var zone = m.Groups[8].Value;
        if (zone.Length == 6)
        {
            int oh = int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture);
            int om = int.Parse(zone.AsSpan(4, 2), CultureInfo.InvariantCulture);
            if (oh > 23 || om > 59)
            {
                problem = "has an impossible UTC offset";
                return false;
            }
            offsetMinutes = (oh * 60 + om) * (zone[0] == '-' ? -1 : 1);
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        long utcNanos = ToUnixNanos(local) + fractionNanos - offsetMinutes * 60 * NanosPerSecond;
        if (utcNanos < MinNanos || utcNanos >= MaxNanos)
        {
            problem = "must be between 1970 and the end of 2199";
            return false;
        }
        instant = new Instant(utcNanos, (short)offsetMinutes);
        problem = "";
        return true;
    }

    public static Instant FromDateTimeOffset(DateTimeOffset value) =>
        new(ToUnixNanos(value.UtcDateTime), (short)value.Offset.TotalMinutes);

    static long ToUnixNanos(DateTime value) => (value.Ticks - DateTime.UnixEpoch.Ticks) * NanosPerTick;

    /// <summary>RFC 3339 in UTC with all nine fractional digits trimmed of trailing zeros.</summary>
    public string ToUtcString()
    {
        long seconds = Math.DivRem(UnixNanos, NanosPerSecond, out long fraction);
        var whole = DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return fraction == 0 ? whole + "Z" : whole + "." + fraction.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0') + "Z";
    }
}
