using Gasometer.Ingest;
using Gasometer.Time;

namespace Gasometer.Demo;

/// <summary>
/// Streams the stop-hook events of a simulated town in time order: one snapshot (running totals)
/// per assistant turn, runs restarted by handoff under the same session id, spend that follows the
/// working day in a local time zone.
/// </summary>
/// <remarks>
/// Determinism is anchored to the calendar, not to the window asked for: each slot's activity on a
/// local day (05:00 to 05:00, so a run is never cut at midnight) comes from a random source seeded
/// by (seed, slot, day) alone. Any window of the same fleet therefore holds exactly the same events,
/// which is what lets the demo resume a database it filled yesterday without doubling anything.
/// Memory is bounded by the number of slots: a priority queue holds one pending event per slot.
/// </remarks>
public sealed class FleetSimulator(Fleet fleet, ulong seed, TimeZoneInfo zone, string source = CostSnapshot.HookSource)
{
    public const string DefaultZone = "America/New_York";

    /// <summary>Changes whenever the same seed would give different events, so a demo database from an older simulator is regenerated, not mixed.</summary>
    public const int Generation = 1;
    const int DayStartHour = 5;
    const long NanosPerMinute = 60 * Instant.NanosPerSecond;
    const long MinTurnGapNanos = 20 * Instant.NanosPerSecond;
    const double NoDataChance = 0.002;

    // Share of a role's peak activity by local hour on a weekday; weekends scale it down.
    static readonly double[] WorkdayByHour =
    [
        0.02, 0.02, 0.02, 0.02, 0.02, 0.03, 0.08, 0.30, 0.70, 1.00, 1.00, 1.00,
        0.75, 0.95, 1.00, 1.00, 0.95, 0.80, 0.55, 0.40, 0.35, 0.25, 0.12, 0.05,
    ];

    public Fleet Fleet => fleet;

    public TimeZoneInfo Zone => zone;

    /// <summary>Every event with <paramref name="fromNanos"/> &lt;= ended_at &lt; <paramref name="toNanos"/>, ordered by time (ties by slot).</summary>
    public IEnumerable<CostSnapshot> Events(long fromNanos, long toNanos)
    {
        var queue = new PriorityQueue<IEnumerator<CostSnapshot>, (long At, int Slot)>();
        try
        {
            for (int i = 0; i < fleet.Slots.Count; i++)
            {
                var stream = SlotEvents(fleet.Slots[i], fromNanos, toNanos).GetEnumerator();
                if (stream.MoveNext()) queue.Enqueue(stream, (stream.Current.EndedAt.UnixNanos, i));
                else stream.Dispose();
            }
            while (queue.TryDequeue(out var stream, out var key))
            {
                yield return stream.Current;
                if (stream.MoveNext()) queue.Enqueue(stream, (stream.Current.EndedAt.UnixNanos, key.Slot));
                else stream.Dispose();
            }
        }
        finally
        {
            while (queue.TryDequeue(out var stream, out _)) stream.Dispose();
        }
    }

    IEnumerable<CostSnapshot> SlotEvents(AgentSlot slot, long fromNanos, long toNanos)
    {
        var day = DateOnly.FromDateTime(ToLocal(fromNanos)).AddDays(-1);
        for (; ; day = day.AddDays(1))
        {
            long start = DayStart(day), end = DayStart(day.AddDays(1));
            if (start >= toNanos) yield break;
            if (end <= fromNanos) continue;
            foreach (var run in DayRuns(slot, day, start, end))
                foreach (var snapshot in run)
                {
                    long at = snapshot.EndedAt.UnixNanos;
                    if (at >= toNanos) yield break;
                    if (at >= fromNanos) yield return snapshot;
                }
        }
    }

    /// <summary>The runs one slot makes on one local day, each fully inside [start, end).</summary>
    IEnumerable<List<CostSnapshot>> DayRuns(AgentSlot slot, DateOnly day, long start, long end)
    {
        var random = new SimulationRandom(SimulationRandom.Mix(SimulationRandom.Mix(seed, SimulationRandom.Hash(slot.Key)), (ulong)day.DayNumber));
        var profile = slot.Profile;
        // Residents restart almost at once after a handoff; polecats wait for the next task; crew for their human.
        double idleMinutes = profile.Rhythm switch { Rhythm.Resident => 3, Rhythm.Polecat => 60, _ => 45 };
        long at = start;
        while (true)
        {
            at = NextActiveMoment(random, profile, at, idleMinutes, end);
            if (at >= end) yield break;
            var run = BuildRun(random, slot, at, end);
            if (run is null) yield break;
            yield return run;
            at = run[^1].EndedAt.UnixNanos;
        }
    }

    /// <summary>
    /// One run from its first turn to its handoff or finished task. Returns null when the day ends
    /// before the run could pass the role's first-turn cap (see <see cref="RoleProfile.FirstTurnCapNanos"/>).
    /// </summary>
    List<CostSnapshot>? BuildRun(SimulationRandom random, AgentSlot slot, long start, long end)
    {
        var profile = slot.Profile;
        int name = random.Next(0, slot.SessionIds.Length);
        string sessionId = slot.SessionIds[name];
        string? worker = slot.Workers[name];
        bool spike = random.Chance(profile.SpikeChance);
        // A spike runs on the role's dearest model; still one of its own, so the first-turn cap holds.
        var model = spike ? profile.Models.MaxBy(m => m.Model.OutputNanos).Model : random.Pick(profile.Models);

        // A spike is a session that goes wrong expensively: more calls per turn over a far larger context.
        double callsPerTurn = profile.CallsPerTurn * (spike ? 2.5 : 1);
        int growthScale = spike ? 2 : 1;
        long contextLimit = profile.ContextLimit * (spike ? 4L : 1L);
        double turnGap = profile.TurnGapMinutes / (spike ? 2 : 1);
        long plannedEnd = profile.Rhythm == Rhythm.Polecat
            ? long.MaxValue
            : start + (long)((profile.RunHoursMin + random.NextDouble() * (profile.RunHoursMax - profile.RunHoursMin)) * 60 * NanosPerMinute);
        int plannedTurns = profile.Rhythm != Rhythm.Polecat ? int.MaxValue : spike ? random.Next(60, 121) : random.Next(5, 31);
        int beads = profile.Rhythm != Rhythm.Polecat ? 0 : random.Chance(0.1) ? 0 : random.Next(1, 4);
        long cap = profile.FirstTurnCapNanos;
        long firstTurnSeconds = random.Next(20, 180);

        // The first turn primes the context: the role's prompt is written to the cache once.
        long input = random.Next(3, RoleProfile.FirstTurnMaxInput + 1);
        long output = random.Next(50, RoleProfile.FirstTurnMaxOutput + 1);
        long cacheRead = 0, cacheCreate = profile.PrimeTokens, context = profile.PrimeTokens;
        int turns = 1;
        long at = start;
        bool handoff = false;
        var run = new List<CostSnapshot>();

        while (true)
        {
            long cost = model.CostNanos(input, output, cacheRead, cacheCreate);
            long? beadsClosed = profile.Rhythm == Rhythm.Polecat ? Math.Min(beads, (long)beads * turns / plannedTurns) : null;
            run.Add(new CostSnapshot(sessionId, profile.Role, worker, slot.Rig, cost, At(at), input, output, cacheRead, cacheCreate,
                model.Model, firstTurnSeconds + (at - start) / Instant.NanosPerSecond, beadsClosed, source));

            bool finished = profile.Rhythm == Rhythm.Polecat ? turns >= plannedTurns : at >= plannedEnd || handoff;
            if (finished && cost > cap) break;

            at += profile.Rhythm == Rhythm.Polecat
                ? MinTurnGapNanos + (long)(random.Exponential(turnGap) * NanosPerMinute)
                : NextActiveMoment(random, profile, at + MinTurnGapNanos, turnGap, end) - at;
            if (at >= end)
            {
                if (cost > cap) break;
                return null;
            }

            long calls = 1 + (long)random.Exponential(callsPerTurn - 1);
            long growth = random.Next(profile.GrowthPerCallMin, profile.GrowthPerCallMax + 1) * growthScale;
            // Every API call of the turn re-reads the whole context, which grows call by call.
            cacheRead += calls * context + growth * calls * (calls - 1) / 2;
            cacheCreate += growth * calls;
            context += growth * calls;
            input += calls * random.Next(2, 40);
            output += calls * random.Next(profile.OutputPerCallMin, profile.OutputPerCallMax + 1);
            turns++;
            if (context > contextLimit)
            {
                // Residents hand off to a fresh session; a polecat compacts and keeps going.
                if (profile.Rhythm == Rhythm.Polecat) context = profile.PrimeTokens + random.Next(4_000, 12_000);
                else handoff = true;
            }
        }

        // Now and then the hook cannot read the transcript and sends 0 ("no data"). Never on the
        // first turns or the last, so every run still starts and ends on a real value.
        for (int i = 2; i < run.Count - 1; i++)
            if (random.Chance(NoDataChance))
                run[i] = run[i] with
                {
                    CostNanos = 0, InputTokens = null, OutputTokens = null, CacheReadTokens = null,
                    CacheCreateTokens = null, DurationSec = null, BeadsClosed = null,
                };
        return run;
    }

    /// <summary>
    /// The next moment the agent acts, after waits of the given mean: a Poisson process thinned by
    /// the role's activity at that hour, so nights are quiet and weekdays busier than weekends.
    /// </summary>
    long NextActiveMoment(SimulationRandom random, RoleProfile profile, long after, double meanMinutes, long end)
    {
        long at = after;
        while (true)
        {
            at += (long)(random.Exponential(meanMinutes) * NanosPerMinute);
            if (at >= end || random.Chance(Activity(profile, at))) return at;
        }
    }

    double Activity(RoleProfile profile, long unixNanos)
    {
        var local = ToLocal(unixNanos);
        double hour = WorkdayByHour[local.Hour];
        double activity = local.DayOfWeek switch
        {
            DayOfWeek.Saturday => hour * 0.3,
            DayOfWeek.Sunday => hour * 0.2,
            _ => hour,
        };
        // Crew follow one human: office hours, little else.
        if (profile.Rhythm == Rhythm.Crew) activity *= activity;
        return Math.Max(profile.NightFloor, activity);
    }

    Instant At(long unixNanos) =>
        new(unixNanos, (short)zone.GetUtcOffset(new DateTime(DateTime.UnixEpoch.Ticks + unixNanos / 100, DateTimeKind.Utc)).TotalMinutes);

    DateTime ToLocal(long unixNanos) =>
        TimeZoneInfo.ConvertTimeFromUtc(new DateTime(DateTime.UnixEpoch.Ticks + unixNanos / 100, DateTimeKind.Utc), zone);

    long DayStart(DateOnly day)
    {
        var local = day.ToDateTime(new TimeOnly(DayStartHour, 0));
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30); // a zone that skips 05:00 on its switch day
        return (TimeZoneInfo.ConvertTimeToUtc(local, zone).Ticks - DateTime.UnixEpoch.Ticks) * 100;
    }
}
