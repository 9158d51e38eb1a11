using System.Globalization;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Stats;

/// <summary>
/// Whole days in a rolled-up zone come from day_rollup, anything else from 15-minute buckets and
/// the runs table. Both must give the same answer to the nano-dollar and the run.
/// </summary>
public sealed class DayRollupTests
{
    /// <summary>Sessions that restart, span midnights and change roles' rigs, over twelve days around a DST switch.</summary>
    static List<string> Fleet(int seed)
    {
        var random = new Random(seed);
        var events = new List<string>();
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        string[] roles = ["polecat", "crew", "mayor", "witness"];
        for (int s = 0; s < 12; s++)
        {
            var at = start.AddMinutes(random.Next(0, 600));
            decimal cost = 0;
            for (int i = 0; i < 40; i++)
            {
                at = at.AddMinutes(random.Next(5, 400));
                if (random.Next(10) == 0) cost = 0;           // a restart
                cost += random.Next(1, 90_000) / 100_000m;
                var rig = s % 3 == 0 ? "" : $",\"rig\":\"rig{s % 3}\"";
                events.Add(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"session_id":"s{{s}}","role":"{{roles[s % 4]}}","worker":"w{{s}}"{{rig}},"model":"m{{s % 2}}","cost_usd":{{cost}},"input_tokens":{{i * 10}},"beads_closed":{{i / 10}},"ended_at":"{{at:yyyy-MM-ddTHH:mm:ssZ}}"}"""));
            }
        }
        return events;
    }

    static readonly string[] Queries =
    [
        "/api/stats/daily?tz={0}&from=2026-03-01&to=2026-03-20",
        "/api/stats/daily?tz={0}&group_by=rig&from=2026-03-03&to=2026-03-09",
        "/api/stats/daily?tz={0}&group_by=worker&role=polecat,crew",
        "/api/stats/roles?tz={0}&from=2026-03-04&to=2026-03-08",
        "/api/stats/rigs?tz={0}",
        "/api/stats/workers?tz={0}&from=2026-03-05",
        "/api/stats/models?tz={0}&to=2026-03-06&rig=rig1",
        "/api/stats/beads?tz={0}&from=2026-03-03&to=2026-03-10",
        "/api/stats/summary?tz={0}",
        "/api/stats/filters?tz={0}&from=2026-03-06&to=2026-03-06",
    ];

    [Theory, BothEngines]
    public async Task DayRollupAnswersEqualTheBucketAnswersInEveryZone(Engine engine)
    {
        var events = Fleet(7);
        var now = new DateTimeOffset(2026, 3, 12, 15, 0, 0, TimeSpan.Zero);
        var answers = new Dictionary<string, string>();
        foreach (var rolledUp in new[] { false, true })
        {
            await using var db = await TestDatabase.CreateAsync(engine);
            string[] config = rolledUp ? ["--Gasometer:RollupZones=America/New_York,Asia/Kolkata,Asia/Kathmandu"] : ["--Gasometer:TimeZone=Etc/GMT+12"];
            await using var server = await GasometerServer.StartAtAsync(db, now, config);
            foreach (var chunk in events.OrderBy(e => e.GetHashCode()).Chunk(50)) await server.PostAllAsync(chunk);
            foreach (var zone in new[] { "America/New_York", "Asia/Kolkata", "Asia/Kathmandu" })
                foreach (var query in Queries)
                {
                    var path = string.Format(CultureInfo.InvariantCulture, query, zone);
                    var body = await server.GetStringAsync(path);
                    if (!rolledUp) answers[path] = body;
                    else Assert.True(answers[path] == body, $"{path}\nbuckets: {answers[path]}\ndays:    {body}");
                }
        }
    }

    [Theory, BothEngines]
    public async Task AZoneAddedLaterIsFilledFromStoredDataAtStartUp(Engine engine)
    {
        var events = Fleet(11);
        var now = new DateTimeOffset(2026, 3, 12, 15, 0, 0, TimeSpan.Zero);
        await using var db = await TestDatabase.CreateAsync(engine);
        var expected = new Dictionary<string, string>();
        await using (var server = await GasometerServer.StartAtAsync(db, now))
        {
            await server.PostAllAsync(events);
            foreach (var query in Queries)
            {
                var path = string.Format(CultureInfo.InvariantCulture, query, "Asia/Kolkata");
                expected[path] = await server.GetStringAsync(path);
            }
        }
        await using (var restarted = await GasometerServer.StartAtAsync(db, now, "--Gasometer:TimeZone=Asia/Kolkata"))
        {
            foreach (var (path, body) in expected) Assert.Equal(body, await restarted.GetStringAsync(path));
            // and it is kept current from then on
            await restarted.PostAllAsync([
                """{"session_id":"late","role":"crew","cost_usd":2.5,"ended_at":"2026-03-05T20:00:00Z"}""",
                """{"session_id":"s1","role":"crew","worker":"w1","rig":"rig1","model":"m1","cost_usd":0.01,"ended_at":"2026-03-01T00:00:00Z"}""",
            ]);
        }
        await using (var plain = await GasometerServer.StartAtAsync(db, now))
        await using (var rolled = await GasometerServer.StartAtAsync(db, now, "--Gasometer:TimeZone=Asia/Kolkata"))
            foreach (var path in expected.Keys)
                Assert.Equal(await plain.GetStringAsync(path.Replace("Asia/Kolkata", "Asia/Kolkata")), await rolled.GetStringAsync(path));
    }
}
