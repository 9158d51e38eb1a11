using Gasometer.Ingest;

namespace Gasometer.Time;

/// <summary>
/// The calendar of the reporting time zone: where its days, hours and months start in UTC,
/// daylight saving included (a day may last 23 or 25 hours). Every boundary it returns falls on a
/// 15-minute UTC bucket edge, because every zone's offset is a multiple of 15 minutes.
/// </summary>
public sealed class ReportingZone(TimeZoneInfo zone)
{
    public const long NanosPerSecond = 1_000_000_000L;

    public TimeZoneInfo Zone { get; } = zone;

    public string Id => Zone.Id;

    public static bool TryFind(string id, out ReportingZone? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64) return false;
        try
        {
            zone = new ReportingZone(TimeZoneInfo.FindSystemTimeZoneById(id.Trim()));
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The UTC instant (ns) at which a local date begins; a midnight skipped by DST begins at the first valid minute.</summary>
    public long StartOf(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        // For an ambiguous local time the earlier instant (the larger offset) is the day's start.
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return ToNanos(new DateTimeOffset(local, offset));
    }

    /// <summary>The local date an instant falls on.</summary>
    public DateOnly DateOf(long unixNanos) => DateOnly.FromDateTime(LocalTime(unixNanos));

    public DateTime LocalTime(long unixNanos) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddTicks(unixNanos / 100), Zone);

    /// <summary>The start (UTC ns) of the local hour containing an instant.</summary>
    public long StartOfHour(long unixNanos)
    {
        var utc = DateTime.UnixEpoch.AddTicks(unixNanos / 100);
        var offset = Zone.GetUtcOffset(utc);
        var local = utc + offset;
        var hourStart = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0);
        return ToNanos(new DateTimeOffset(hourStart, offset));
    }

    public static long ToNanos(DateTimeOffset value) => (value.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    public static long Bucket(long unixNanos) => SpendRollup.BucketOf(unixNanos);

    /// <summary>
    /// Local dates with their UTC start, from the day of <paramref name="fromNanos"/> through the
    /// day of the last instant before <paramref name="toNanos"/>: the map from buckets to days.
    /// </summary>
    public List<(DateOnly Date, long StartNanos, long EndNanos)> Days(long fromNanos, long toNanos)
    {
        var days = new List<(DateOnly, long, long)>();
        if (toNanos <= fromNanos) return days;
        var date = DateOf(fromNanos);
        var last = DateOf(toNanos - 1);
        for (; date <= last; date = date.AddDays(1))
            days.Add((date, StartOf(date), StartOf(date.AddDays(1))));
        return days;
    }
}
