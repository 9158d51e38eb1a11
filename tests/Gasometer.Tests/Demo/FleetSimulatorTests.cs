using System.Text;
using System.Text.Json;
using Gasometer.Demo;
using Gasometer.Ingest;
using Xunit;

namespace Gasometer.Tests.Demo;

public class FleetSimulatorTests
{
    static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    const long Day = 24L * 3600 * 1_000_000_000;

    // 2026-03-01T00:00Z to 2026-03-15T00:00Z: two weeks that include New York's switch to daylight time on 03-08.
    static readonly long MarchFirst = Nanos(new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));
    static readonly long MarchFifteenth = MarchFirst + 14 * Day;

    static long Nanos(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    static List<CostSnapshot> Generate(ulong seed, int rigs, long from, long to) =>
        new FleetSimulator(new Fleet(rigs, seed), seed, NewYork).Events(from, to).ToList();

    [Fact]
    public void SameSeedGivesTheSameEvents()
    {
        var first = Generate(7, 3, MarchFirst, MarchFifteenth);
        var second = Generate(7, 3, MarchFirst, MarchFifteenth);
        var otherSeed = Generate(8, 3, MarchFirst, MarchFifteenth);

        Assert.True(first.Count > 5_000, $"only {first.Count} events");
        Assert.Equal(first, second);
        Assert.NotEqual(first.Take(100), otherSeed.Take(100));
    }

    [Fact]
    public void AnyWindowHoldsExactlyTheEventsOfTheLongerStreamInThatWindow()
    {
        // The demo resumes a database on this: events depend on the calendar, not on the window asked for.
        var whole = Generate(3, 2, MarchFirst, MarchFifteenth);
        long from = MarchFirst + 5 * Day + 3_600_000_000_123, to = MarchFirst + 9 * Day + 17;

        var window = Generate(3, 2, from, to);

        Assert.Equal(whole.Where(s => s.EndedAt.UnixNanos >= from && s.EndedAt.UnixNanos < to), window);
    }

    [Fact]
    public void FiveRigsAreTheFirstFiveRigsOfTen()
    {
        var five = Generate(11, 5, MarchFirst, MarchFirst + 3 * Day);
        var ten = Generate(11, 10, MarchFirst, MarchFirst + 3 * Day);
        var rigsOfFive = five.Select(s => s.Rig).Where(r => r is not null).ToHashSet();

        Assert.Equal(5, rigsOfFive.Count);
        Assert.Equal(five, ten.Where(s => s.Rig is null || rigsOfFive.Contains(s.Rig)));
    }

    [Fact]
    public void EventsComeInTimeOrderAndNoSessionRunsTwiceAtOnce()
    {
        var events = Generate(5, 4, MarchFirst, MarchFifteenth);

        for (int i = 1; i < events.Count; i++)
            Assert.True(events[i - 1].EndedAt.UnixNanos <= events[i].EndedAt.UnixNanos, $"event {i} goes back in time");
        foreach (var session in events.GroupBy(s => s.SessionId))
        {
            var times = session.Select(s => s.EndedAt.UnixNanos).ToList();
            Assert.True(times.Zip(times.Skip(1)).All(p => p.First < p.Second), $"{session.Key} has two events at once");
        }
    }

    [Fact]
    public void TownHasEveryRoleWithTwoToEightPolecatsPerRigAndRestartsUnderReusedNames()
    {
        var fleet = new Fleet(6, 2);
        var events = Generate(2, 6, MarchFirst, MarchFifteenth);
        var runs = RunningTotalRules.Runs(events);

        Assert.Equal(["crew", "deacon", "mayor", "polecat", "refinery", "witness"], events.Select(s => s.Role).Distinct().Order().ToArray());
        foreach (var rig in fleet.Slots.Where(s => s.Rig is not null).GroupBy(s => s.Rig))
            Assert.InRange(rig.Count(s => s.Profile.Role == "polecat"), 2, 8);
        Assert.Contains(fleet.Slots, s => s.Profile.Role == "crew");

        // The mayor hands off every few hours: a new run under the same session id, several a day.
        Assert.InRange(runs.Count(r => r.SessionId == "hq-mayor"), 14, 14 * 10);
        // Polecat names come back: the same session id holds several separate runs.
        var polecatRunsPerSession = runs.Where(r => r.Role == "polecat").GroupBy(r => r.SessionId).Select(g => g.Count()).ToList();
        Assert.True(polecatRunsPerSession.Count(n => n >= 2) >= 10, "polecat session ids are not reused");
        // Sessions overlap: at the busiest moment many runs are open at once.
        Assert.True(MaxOpenRuns(runs) >= 10, $"at most {MaxOpenRuns(runs)} runs at once");
    }

    static int MaxOpenRuns(List<RunningTotalRules.Run> runs)
    {
        var edges = runs.SelectMany(r => new[] { (r.StartNs, 1), (r.EndNs + 1, -1) }).Order().ToList();
        int open = 0, max = 0;
        foreach (var (_, change) in edges) max = Math.Max(max, open += change);
        return max;
    }

    [Fact]
    public void PolecatSessionsCloseBeadsAndOnlyPolecatsReportThem()
    {
        var events = Generate(4, 3, MarchFirst, MarchFifteenth);
        var runs = RunningTotalRules.Runs(events);

        Assert.All(events.Where(s => s.Role != "polecat"), s => Assert.Null(s.BeadsClosed));
        var beadsPerPolecatRun = runs.Where(r => r.Role == "polecat").Select(r => r.Beads).ToList();
        Assert.Contains(0L, beadsPerPolecatRun);
        Assert.Contains(3L, beadsPerPolecatRun);
        Assert.True(beadsPerPolecatRun.Average() is > 1 and < 3);
    }

    [Fact]
    public void EveryEventPassesIngestValidationAndParsesBackUnchanged()
    {
        var events = Generate(9, 3, MarchFirst, MarchFirst + 10 * Day);
        Assert.Contains(events, s => s.CarriesNoData);

        foreach (var snapshot in events)
        {
            var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer)) StopHookLines.Write(json, snapshot);
            using var document = JsonDocument.Parse(buffer.ToArray());
            var problems = new List<ValidationDetail>();

            var parsed = SnapshotParser.Parse(document.RootElement, CostSnapshot.HookSource, problems);

            Assert.Empty(problems);
            Assert.Equal(snapshot, parsed);
        }
    }

    [Fact]
    public void CostIsTheTokensAtTheModelsListPricesAndCacheReadsDominate()
    {
        var prices = new[] { ModelPrice.Opus, ModelPrice.Sonnet, ModelPrice.Haiku }.ToDictionary(p => p.Model);
        var events = Generate(6, 3, MarchFirst, MarchFifteenth);

        foreach (var s in events.Where(s => !s.CarriesNoData))
            Assert.Equal(prices[s.Model!].CostNanos(s.InputTokens!.Value, s.OutputTokens!.Value, s.CacheReadTokens!.Value, s.CacheCreateTokens!.Value), s.CostNanos);

        Assert.Equal(["claude-haiku-4-5", "claude-opus-4-6", "claude-sonnet-4-5"], events.Select(s => s.Model).OfType<string>().Distinct().Order().ToArray());
        Assert.All(events.Where(s => s.Role == "mayor" && !s.CarriesNoData), s => Assert.Equal("claude-opus-4-6", s.Model));
        Assert.All(events.Where(s => s.Role == "witness" && !s.CarriesNoData), s => Assert.Equal("claude-haiku-4-5", s.Model));

        var lastOfRuns = RunningTotalRules.Runs(events);
        long read = lastOfRuns.Sum(r => r.CacheRead), others = lastOfRuns.Sum(r => r.Input + r.Output + r.CacheCreate);
        Assert.True(read > 10 * others, $"cache reads {read} against {others} other tokens");
    }

    [Fact]
    public void SpendFollowsWorkingHoursAndWeekdays()
    {
        var events = Generate(1, 5, MarchFirst, MarchFirst + 28 * Day);
        var spendByLocalTime = RunningTotalRules.Increments(events)
            .Select(x => (Local: x.Snapshot.EndedAt.ToDateTimeOffset().DateTime, x.IncrementNanos)).ToList();

        bool Weekday(DateTime t) => t.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday;
        long workHours = spendByLocalTime.Where(x => Weekday(x.Local) && x.Local.Hour is >= 9 and < 17).Sum(x => x.IncrementNanos);
        long nights = spendByLocalTime.Where(x => Weekday(x.Local) && x.Local.Hour is >= 1 and < 6).Sum(x => x.IncrementNanos);
        Assert.True(workHours > 8 * nights, $"working hours {workHours}, nights {nights}");

        var perDay = spendByLocalTime.GroupBy(x => x.Local.Date).ToDictionary(g => g.Key, g => g.Sum(x => x.IncrementNanos));
        double weekdays = perDay.Where(d => Weekday(d.Key)).Average(d => d.Value);
        double weekends = perDay.Where(d => !Weekday(d.Key)).Average(d => d.Value);
        Assert.True(weekdays > 2 * weekends, $"weekday {weekdays}, weekend {weekends}");
    }

    [Fact]
    public void AFewRunsAreExpensiveSpikes()
    {
        var runs = RunningTotalRules.Runs(Generate(1, 5, MarchFirst - 60 * Day, MarchFifteenth));
        var costs = runs.Select(r => r.CostNanos).Order().ToList();
        long median = costs[costs.Count / 2];

        int spikes = costs.Count(c => c > 40 * median);
        Assert.InRange(spikes, 2, costs.Count / 100);
    }

    [Fact]
    public void EndedAtCarriesTheTownsOffsetAcrossTheDaylightSavingSwitch()
    {
        var events = Generate(1, 2, MarchFirst, MarchFifteenth);
        long switchAt = Nanos(new DateTime(2026, 3, 8, 7, 0, 0, DateTimeKind.Utc));

        Assert.All(events.Where(s => s.EndedAt.UnixNanos < switchAt), s => Assert.Equal(-300, s.EndedAt.OffsetMinutes));
        Assert.All(events.Where(s => s.EndedAt.UnixNanos >= switchAt), s => Assert.Equal(-240, s.EndedAt.OffsetMinutes));
        Assert.Equal("2026-03-07T21:58:40.902256187-05:00",
            StopHookLines.LocalTime(new Gasometer.Time.Instant(Nanos(new DateTime(2026, 3, 8, 2, 58, 40, DateTimeKind.Utc)) + 902_256_187, -300)));
        Assert.Equal("2026-03-08T06:57:04Z", StopHookLines.LocalTime(new Gasometer.Time.Instant(Nanos(new DateTime(2026, 3, 8, 6, 57, 4, DateTimeKind.Utc)), 0)));
    }
}
