using Gasometer.Time;

namespace Gasometer.Ingest;

/// <summary>
/// Changes to day_rollup gathered over one write and flushed once: spend and token increments on
/// the local day they happened, and for each run +1 on every day its span touches (runs_active)
/// and on its first day (runs_started). A run that moves is taken off with its old span and put
/// back with its new one; the netting makes an unchanged day cost nothing. Rows are kept per source,
/// with spend that transcript spend replaces flagged overlapped (<see cref="SourceOverlap"/>); run
/// counts sit on rows that are never overlapped.
/// </summary>
public sealed class DayRollup(RollupZones zones)
{
    static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    readonly record struct Key(string Zone, long Day, string Role, string Rig, string Worker, string Model, string Source, bool Overlapped);

    readonly Dictionary<Key, (long Spend, Counters Counters, long Active, long Started)> changes = [];

    public static long DayNumber(DateOnly date) => date.DayNumber - EpochDay;

    public static DateOnly Date(long dayNumber) => DateOnly.FromDayNumber((int)dayNumber + EpochDay);

    public void AddSpend(long endedAtNs, string role, string? rig, string? worker, string? model, string source, bool overlapped,
        long spend, Counters counters)
    {
        if (spend == 0 && counters.IsZero) return;
        foreach (var zone in zones.Zones)
            Change(new Key(zone.Id, DayNumber(zone.DateOf(endedAtNs)), role, rig ?? "", worker ?? "", model ?? "", source, overlapped),
                spend, counters, 0, 0);
    }

    public void AddRun(RunState run, int sign)
    {
        foreach (var zone in zones.Zones)
        {
            long first = DayNumber(zone.DateOf(run.StartedAtNs)), last = DayNumber(zone.DateOf(run.LastSeenNs));
            for (long day = first; day <= last; day++)
                Change(new Key(zone.Id, day, run.Role, run.Rig ?? "", run.Worker ?? "", run.Model ?? "", run.Source, false),
                    0, default, sign, day == first ? sign : 0);
        }
    }

    void Change(Key key, long spend, Counters counters, long active, long started)
    {
        changes[key] = changes.TryGetValue(key, out var old)
            ? (checked(old.Spend + spend), old.Counters + counters, old.Active + active, old.Started + started)
            : (spend, counters, active, started);
    }

    internal const string UpsertSql = """
        INSERT INTO day_rollup (zone, day, role, rig, worker, model, source, overlapped, spend_nanos, input_tokens, output_tokens,
            cache_read_tokens, cache_create_tokens, beads_closed, runs_active, runs_started)
        VALUES (@zone, @day, @role, @rig, @worker, @model, @source, @overlapped, @spend, @input, @output, @cache_read, @cache_create,
            @beads, @active, @started)
        ON CONFLICT (zone, day, role, rig, worker, model, source, overlapped) DO UPDATE SET
            spend_nanos = day_rollup.spend_nanos + excluded.spend_nanos,
            input_tokens = day_rollup.input_tokens + excluded.input_tokens,
            output_tokens = day_rollup.output_tokens + excluded.output_tokens,
            cache_read_tokens = day_rollup.cache_read_tokens + excluded.cache_read_tokens,
            cache_create_tokens = day_rollup.cache_create_tokens + excluded.cache_create_tokens,
            beads_closed = day_rollup.beads_closed + excluded.beads_closed,
            runs_active = day_rollup.runs_active + excluded.runs_active,
            runs_started = day_rollup.runs_started + excluded.runs_started
        """;

    internal async Task FlushAsync(LedgerCommands commands)
    {
        // Sorted keys: two PostgreSQL instances flushing at once take row locks in the same order.
        foreach (var (key, (spend, c, active, started)) in changes
                     .OrderBy(kv => kv.Key.Zone, StringComparer.Ordinal).ThenBy(kv => kv.Key.Day)
                     .ThenBy(kv => kv.Key.Role, StringComparer.Ordinal).ThenBy(kv => kv.Key.Rig, StringComparer.Ordinal)
                     .ThenBy(kv => kv.Key.Worker, StringComparer.Ordinal).ThenBy(kv => kv.Key.Model, StringComparer.Ordinal)
                     .ThenBy(kv => kv.Key.Source, StringComparer.Ordinal).ThenBy(kv => kv.Key.Overlapped))
        {
            if (spend == 0 && c.IsZero && active == 0 && started == 0) continue;
            await commands.AddToDayRollupAsync(key.Zone, key.Day, key.Role, key.Rig, key.Worker, key.Model, key.Source, key.Overlapped,
                spend, c, active, started);
        }
        changes.Clear();
    }
}
