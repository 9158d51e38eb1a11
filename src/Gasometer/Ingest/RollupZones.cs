using Gasometer.Time;

namespace Gasometer.Ingest;

/// <summary>
/// The zones whose days are rolled up at ingest (day_rollup): UTC, the configured reporting zone
/// and any listed in Gasometer:RollupZones. Reads in these zones over whole days come from a few
/// rows per day; any other zone is still exact, from the 15-minute buckets, only slower.
/// </summary>
public sealed class RollupZones(IReadOnlyList<ReportingZone> zones)
{
    public IReadOnlyList<ReportingZone> Zones { get; } = zones;

    /// <summary>UTC alone: what an empty configuration gives.</summary>
    public static RollupZones UtcOnly => FromConfiguration(new ConfigurationBuilder().Build());

    public bool Covers(ReportingZone zone) => Zones.Any(z => z.Id == zone.Id);

    public static RollupZones FromConfiguration(IConfiguration configuration)
    {
        var ids = new List<string> { "UTC" };
        if (configuration["Gasometer:TimeZone"] is { Length: > 0 } main) ids.Add(main);
        ids.AddRange((configuration["Gasometer:RollupZones"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var zones = new List<ReportingZone>();
        foreach (var id in ids)
        {
            if (!ReportingZone.TryFind(id, out var zone))
                throw new InvalidOperationException($"'{id}' in Gasometer:TimeZone or Gasometer:RollupZones is not a known IANA time zone.");
            if (!zones.Any(z => z.Id == zone!.Id)) zones.Add(zone!);
        }
        return new RollupZones(zones);
    }
}
