namespace Gasometer.Ingest;

/// <summary>
/// Changes to the 15-minute spend rollup gathered over one write transaction and flushed once, so
/// many snapshots of a busy quarter-hour cost one upsert instead of one each.
/// </summary>
public sealed class SpendRollup(RollupZones zones)
{
    /// <summary>The same changes by local day, plus the runs' day spans.</summary>
    public DayRollup Days { get; } = new(zones);

    public const long BucketNanos = 15L * 60 * 1_000_000_000;

    readonly record struct Key(long Bucket, string Role, string Rig, string Worker, string Model);

    readonly Dictionary<Key, (long Spend, Counters Counters)> changes = [];

    public static long BucketOf(long unixNanos) => unixNanos / BucketNanos;

    public void Add(CostSnapshot s, Placement p) => Change(s, p.IncrementNanos, p.CounterIncrements);

    /// <summary>Takes back what a snapshot contributed before its session was recomputed.</summary>
    public void Subtract(CostSnapshot s, Placement p) => Change(s, -p.IncrementNanos, default(Counters) - p.CounterIncrements);

    void Change(CostSnapshot s, long spend, Counters counters)
    {
        if (spend == 0 && counters.IsZero) return;
        Days.AddSpend(s.EndedAt.UnixNanos, s.Role, s.Rig, s.Worker, s.Model, spend, counters);
        var key = new Key(BucketOf(s.EndedAt.UnixNanos), s.Role, s.Rig ?? "", s.Worker ?? "", s.Model ?? "");
        changes[key] = changes.TryGetValue(key, out var old) ? (checked(old.Spend + spend), old.Counters + counters) : (spend, counters);
    }

    internal const string UpsertSql = """
        INSERT INTO spend_rollup (bucket, role, rig, worker, model, spend_nanos,
            input_tokens, output_tokens, cache_read_tokens, cache_create_tokens, beads_closed)
        VALUES (@bucket, @role, @rig, @worker, @model, @spend, @input, @output, @cache_read, @cache_create, @beads)
        ON CONFLICT (bucket, role, rig, worker, model) DO UPDATE SET
            spend_nanos = spend_rollup.spend_nanos + excluded.spend_nanos,
            input_tokens = spend_rollup.input_tokens + excluded.input_tokens,
            output_tokens = spend_rollup.output_tokens + excluded.output_tokens,
            cache_read_tokens = spend_rollup.cache_read_tokens + excluded.cache_read_tokens,
            cache_create_tokens = spend_rollup.cache_create_tokens + excluded.cache_create_tokens,
            beads_closed = spend_rollup.beads_closed + excluded.beads_closed
        """;

    internal async Task FlushAsync(LedgerCommands commands)
    {
        // Sorted keys: two PostgreSQL instances flushing at once take row locks in the same order.
        foreach (var (key, (spend, c)) in changes.OrderBy(kv => kv.Key.Bucket).ThenBy(kv => kv.Key.Role, StringComparer.Ordinal)
                     .ThenBy(kv => kv.Key.Rig, StringComparer.Ordinal).ThenBy(kv => kv.Key.Worker, StringComparer.Ordinal)
                     .ThenBy(kv => kv.Key.Model, StringComparer.Ordinal))
        {
            if (spend == 0 && c.IsZero) continue;
            await commands.AddToRollupAsync(key.Bucket, key.Role, key.Rig, key.Worker, key.Model, spend, c);
        }
        changes.Clear();
        await Days.FlushAsync(commands);
    }
}
