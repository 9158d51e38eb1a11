namespace Gasometer.Ingest;

/// <summary>
/// Changes to the 15-minute spend rollup gathered over one write transaction and flushed once, so
/// many snapshots of a busy quarter-hour cost one upsert instead of one each. The same changes
/// reach day_rollup at flush, when it is known which hours overlap (<see cref="SourceOverlap"/>).
/// </summary>
public sealed class SpendRollup(RollupZones zones)
{
    /// <summary>The same changes by local day, plus the runs' day spans.</summary>
    public DayRollup Days { get; } = new(zones);

    public const long BucketNanos = 15L * 60 * 1_000_000_000;
    const long BucketsPerHour = AgentHour.HourNanos / BucketNanos;

    readonly record struct Key(long Bucket, string Role, string Rig, string Worker, string Model, string Source)
    {
        public AgentHour AgentHour => new(Role, Rig, Worker, Bucket / BucketsPerHour);
    }

    readonly Dictionary<Key, (long Spend, Counters Counters)> changes = [];
    readonly SourceOverlap overlap = new();
    long boundSpend;
    Counters boundCounters;

    public static long BucketOf(long unixNanos) => unixNanos / BucketNanos;

    public void Add(CostSnapshot s, Placement p)
    {
        Change(s, p.IncrementNanos, p.CounterIncrements);
        Bound(+1, p);
    }

    /// <summary>Takes back what a snapshot contributed before its session was recomputed.</summary>
    public void Subtract(CostSnapshot s, Placement p)
    {
        Change(s, -p.IncrementNanos, default(Counters) - p.CounterIncrements);
        Bound(-1, p);
    }

    /// <summary>
    /// What ledger_totals keeps: the positive parts of increments. A token count may fall within a run
    /// (a negative increment), so the net change would not bound a query that sums only some rows; the
    /// sum of positive parts bounds every such sum (a run's falls never exceed its rises).
    /// </summary>
    void Bound(int sign, Placement p)
    {
        var c = p.CounterIncrements;
        try
        {
            checked
            {
                boundSpend += sign * Math.Max(p.IncrementNanos, 0);
                boundCounters = Counters.Checked(boundCounters, new Counters(sign * Math.Max(c.Input, 0), sign * Math.Max(c.Output, 0),
                    sign * Math.Max(c.CacheRead, 0), sign * Math.Max(c.CacheCreate, 0), sign * Math.Max(c.Beads, 0)));
            }
        }
        catch (OverflowException e)
        {
            throw new LedgerCeilingException(e); // one write alone past what a 64-bit sum holds
        }
    }

    void Change(CostSnapshot s, long spend, Counters counters)
    {
        if (spend == 0 && counters.IsZero) return;
        var key = new Key(BucketOf(s.EndedAt.UnixNanos), s.Role, s.Rig ?? "", s.Worker ?? "", s.Model ?? "", s.Source);
        try
        {
            changes[key] = changes.TryGetValue(key, out var old) ? (checked(old.Spend + spend), Counters.Checked(old.Counters, counters)) : (spend, counters);
        }
        catch (OverflowException e)
        {
            throw new LedgerCeilingException(e);
        }
        overlap.Touch(key.AgentHour, s.Source, spend);
    }

    internal const string UpsertSql = """
        INSERT INTO spend_rollup (bucket, role, rig, worker, model, source, spend_nanos,
            input_tokens, output_tokens, cache_read_tokens, cache_create_tokens, beads_closed)
        VALUES (@bucket, @role, @rig, @worker, @model, @source, @spend, @input, @output, @cache_read, @cache_create, @beads)
        ON CONFLICT (bucket, role, rig, worker, model, source) DO UPDATE SET
            spend_nanos = spend_rollup.spend_nanos + excluded.spend_nanos,
            input_tokens = spend_rollup.input_tokens + excluded.input_tokens,
            output_tokens = spend_rollup.output_tokens + excluded.output_tokens,
            cache_read_tokens = spend_rollup.cache_read_tokens + excluded.cache_read_tokens,
            cache_create_tokens = spend_rollup.cache_create_tokens + excluded.cache_create_tokens,
            beads_closed = spend_rollup.beads_closed + excluded.beads_closed
        """;

    /// <param name="lockAgentHours">Serializes writers of the agent-hours, given in sorted order (PostgreSQL); null where one writer is the rule.</param>
    internal async Task FlushAsync(LedgerCommands commands, Func<List<AgentHour>, Task>? lockAgentHours = null)
    {
        // First, so that a write past the ceiling stops before any rollup row could overflow.
        if (boundSpend != 0 || !boundCounters.IsZero) await commands.AddToTotalsAsync(boundSpend, boundCounters);
        boundSpend = 0;
        boundCounters = default;
        var hours = overlap.Touched();
        if (lockAgentHours is not null && hours.Count > 0) await lockAgentHours(hours);
        await overlap.LoadAsync(commands, hours);

        // Before this write's buckets are added: the other sources' spend already stored in an hour
        // that gains (or loses) transcript spend moves to the other side of day_rollup's flag.
        foreach (var hour in overlap.Flipped())
            foreach (var (bucket, model, source, spend, counters) in await commands.OverlappableSpendAsync(hour, BucketsPerHour))
            {
                var (role, rig, worker) = (hour.Role, hour.Rig, hour.Worker);
                Days.AddSpend(bucket * BucketNanos, role, rig, worker, model, source, overlap.WasOverlapped(hour), -spend, default(Counters) - counters);
                Days.AddSpend(bucket * BucketNanos, role, rig, worker, model, source, overlap.IsOverlapped(hour), spend, counters);
            }

        // Sorted keys: two PostgreSQL instances flushing at once take row locks in the same order.
        foreach (var (key, (spend, c)) in changes.OrderBy(kv => kv.Key.Bucket).ThenBy(kv => kv.Key.Role, StringComparer.Ordinal)
                     .ThenBy(kv => kv.Key.Rig, StringComparer.Ordinal).ThenBy(kv => kv.Key.Worker, StringComparer.Ordinal)
                     .ThenBy(kv => kv.Key.Model, StringComparer.Ordinal).ThenBy(kv => kv.Key.Source, StringComparer.Ordinal))
        {
            if (spend == 0 && c.IsZero) continue;
            await commands.AddToRollupAsync(key.Bucket, key.Role, key.Rig, key.Worker, key.Model, key.Source, spend, c);
            // A zone's day starts on a 15-minute boundary, so a bucket's start lies on the same local day as all of it.
            bool overlapped = SourceOverlap.IsOverlappable(key.Source) && overlap.IsOverlapped(key.AgentHour);
            Days.AddSpend(key.Bucket * BucketNanos, key.Role, key.Rig, key.Worker, key.Model, key.Source, overlapped, spend, c);
        }
        changes.Clear();
        await overlap.FlushAsync(commands);
        await Days.FlushAsync(commands);
    }
}
