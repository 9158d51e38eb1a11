using System.Globalization;
using System.Text.Json;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Stats;

/// <summary>Days, weeks and months in the reporting zone: offsets that are not whole hours, DST, leap days, edges.</summary>
public sealed class CalendarTests
{
    /// <summary>One snapshot per event, each its own session with one run, so spend = cost.</summary>
    static string Event(string session, decimal cost, string endedAt, string role = "polecat", string? rig = "quarry", int beads = 0) =>
        string.Create(CultureInfo.InvariantCulture,
            $$"""{"session_id":"{{session}}","role":"{{role}}"{{(rig is null ? "" : $",\"rig\":\"{rig}\"")}},"cost_usd":{{cost}},"beads_closed":{{beads}},"input_tokens":10,"output_tokens":20,"cache_read_tokens":300,"cache_create_tokens":40,"ended_at":"{{endedAt}}"}""");

    static async Task<List<(string Date, decimal Usd, int Sessions)>> DailyAsync(GasometerServer server, string query)
    {
        var json = JsonDocument.Parse(await server.GetStringAsync("/api/stats/daily?" + query));
        return json.RootElement.GetProperty("data").EnumerateArray()
            .Select(r => (r.GetProperty("date").GetString()!, r.GetProperty("total_usd").GetDecimal(), r.GetProperty("session_count").GetInt32()))
            .ToList();
    }

    [Theory, BothEngines]
    public async Task KolkataDaysStartAtHalfPastSixteenUtcAndKathmanduAtQuarterPast(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        await server.PostAllAsync([
            Event("a", 1, "2026-05-01T18:29:59.999999999Z"), // Kolkata 23:59:59 on May 1
            Event("b", 2, "2026-05-01T18:30:00Z"),           // Kolkata 00:00 on May 2
            Event("c", 4, "2026-05-01T18:14:59Z"),           // Kathmandu 23:59:59 on May 1 (Kolkata 23:44:59)
            Event("d", 8, "2026-05-01T18:15:00Z"),           // Kathmandu 00:00 on May 2 (Kolkata 23:45)
        ]);
        Assert.Equal([("2026-05-01", 13m, 3), ("2026-05-02", 2m, 1)], await DailyAsync(server, "tz=Asia/Kolkata"));
        Assert.Equal([("2026-05-01", 4m, 1), ("2026-05-02", 11m, 3)], await DailyAsync(server, "tz=Asia/Kathmandu"));
        Assert.Equal([("2026-05-01", 15m, 4)], await DailyAsync(server, "tz=UTC"));
    }

    [Theory, BothEngines]
    public async Task DaylightSavingDaysOfTwentyThreeAndTwentyFiveHoursKeepTheirOwnSpend(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        await server.PostAllAsync([
            // 2026-03-08 in New York lasts 23 hours: 05:00Z to 04:00Z next day
            Event("s1", 1, "2026-03-08T05:00:00Z"), Event("s2", 2, "2026-03-09T03:59:59Z"), Event("s3", 4, "2026-03-09T04:00:00Z"),
            // 2026-11-01 lasts 25 hours: 04:00Z to 05:00Z next day
            Event("f1", 10, "2026-11-01T03:59:59Z"), Event("f2", 20, "2026-11-01T04:00:00Z"), Event("f3", 40, "2026-11-02T04:59:59Z"), Event("f4", 80, "2026-11-02T05:00:00Z"),
        ]);
        Assert.Equal([("2026-03-08", 3m, 2), ("2026-03-09", 4m, 1)], await DailyAsync(server, "tz=America/New_York&from=2026-03-01&to=2026-03-31"));
        Assert.Equal([("2026-10-31", 10m, 1), ("2026-11-01", 60m, 2), ("2026-11-02", 80m, 1)], await DailyAsync(server, "tz=America/New_York&from=2026-10-01&to=2026-11-30"));
    }

    [Theory, BothEngines]
    public async Task LeapDayMonthEdgeAndInclusiveDateOnlyTo(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        await server.PostAllAsync([
            Event("l0", 1, "2028-02-28T23:59:59Z"), Event("l1", 2, "2028-02-29T00:00:00Z"), Event("l2", 4, "2028-02-29T23:59:59.999999999Z"),
            Event("m1", 8, "2028-03-01T00:00:00Z"), Event("m2", 16, "2028-03-31T23:59:59Z"), Event("m3", 32, "2028-04-01T00:00:00Z"),
        ]);
        Assert.Equal([("2028-02-29", 6m, 2)], await DailyAsync(server, "from=2028-02-29&to=2028-02-29"));
        Assert.Equal([("2028-03-01", 8m, 1), ("2028-03-31", 16m, 1)], await DailyAsync(server, "from=2028-03-01&to=2028-03-31"));
        // RFC 3339 bounds cut buckets: the edges come from the snapshots themselves and `to` is inclusive.
        Assert.Equal([("2028-02-29", 4m, 1), ("2028-03-01", 8m, 1)], await DailyAsync(server, "from=2028-02-29T00:00:00.000000001Z&to=2028-03-01T00:00:00Z"));
        Assert.Equal("""{"data":[{"role":"polecat","total_usd":14,"session_count":3,"input_tokens":30,"output_tokens":60,"cache_read_tokens":900,"cache_create_tokens":120}]}""",
            await server.GetStringAsync("/api/stats/roles?from=2028-02-29T00:00:00Z&to=2028-03-01T00:07:30Z"));
    }

    [Theory, BothEngines]
    public async Task MoreThanAThousandRowsAreAllCountedAndTenDimesMakeExactlyOneDollar(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        var start = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        await server.PostAllAsync(Enumerable.Range(0, 1500).Select(i =>
            Event($"run-{i}", 0.1m, start.AddMinutes(i * 7).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))));
        Assert.Equal("""{"data":[{"role":"polecat","total_usd":150,"session_count":1500,"input_tokens":15000,"output_tokens":30000,"cache_read_tokens":450000,"cache_create_tokens":60000}]}""",
            await server.GetStringAsync("/api/stats/roles"));
        var costs = JsonDocument.Parse(await server.GetStringAsync("/api/costs?limit=1000&offset=1000")).RootElement;
        Assert.Equal(500, costs.GetProperty("count").GetInt32());
        Assert.Equal(1500, costs.GetProperty("total").GetInt32());
        // The first day holds 206 runs (00:00 to 23:58): ten cents each, summed exactly.
        Assert.Equal(("2026-06-01", 20.6m, 206), (await DailyAsync(server, "from=2026-06-01&to=2026-06-01"))[0]);
        Assert.Equal("""{"data":[{"role":"polecat","total_usd":1,"session_count":10,"input_tokens":100,"output_tokens":200,"cache_read_tokens":3000,"cache_create_tokens":400}]}""",
            await server.GetStringAsync("/api/stats/roles?from=2026-06-01T00:00:00Z&to=2026-06-01T01:03:00Z"));
    }

    [Theory, BothEngines]
    public async Task DailyAverageIsOverTheLastThirtyDaysOrTheDaysSinceSpendBeganIfFewer(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAtAsync(db, new DateTimeOffset(2026, 7, 15, 12, 30, 0, TimeSpan.Zero));
        async Task<decimal> AverageAsync(string tz) =>
            JsonDocument.Parse(await server.GetStringAsync("/api/stats/hourly?tz=" + tz)).RootElement.GetProperty("daily_average_usd").GetDecimal();

        await server.PostAllAsync([
            Event("a", 30, "2026-06-25T12:00:00Z"),    // the fleet's first spend: 20 days before today
            Event("b", 30, "2026-07-14T12:00:00Z"),
            Event("today", 7, "2026-07-15T09:00:00Z"), // today is not part of the average
        ]);
        // UTC is rolled up by day; New York is read from 15-minute buckets: both say $60 over 20 days.
        Assert.Equal(3m, await AverageAsync("UTC"));
        Assert.Equal(3m, await AverageAsync("America/New_York"));

        // Spend 44 days back, outside the 30: the fleet is older than the window, so all 30 days count.
        await server.PostAllAsync([Event("old", 100, "2026-06-01T12:00:00Z")]);
        Assert.Equal(2m, await AverageAsync("UTC"));
        Assert.Equal(2m, await AverageAsync("America/New_York"));

        await server.PostAllAsync([Event("c", 90, "2026-06-15T12:00:00Z")]); // the first of the 30 days
        Assert.Equal(5m, await AverageAsync("UTC"));
        Assert.Equal(5m, await AverageAsync("America/New_York"));
        // A filter narrows where spend began too: the witness started on July 10 ($10 over 5 days).
        await server.PostAllAsync([Event("w", 10, "2026-07-10T12:00:00Z", role: "witness")]);
        Assert.Equal(2m, JsonDocument.Parse(await server.GetStringAsync("/api/stats/hourly?tz=UTC&role=witness")).RootElement
            .GetProperty("daily_average_usd").GetDecimal());
    }

    [Theory, BothEngines]
    public async Task HourlyBurnRateAndBeadsWithAFixedClock(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAtAsync(db, new DateTimeOffset(2026, 7, 15, 12, 30, 0, TimeSpan.Zero));
        await server.PostAllAsync([
            Event("x1", 3, "2026-07-15T10:10:00Z", beads: 2),
            Event("x2", 1.5m, "2026-07-15T11:45:00Z", role: "witness", rig: null),
            Event("x3", 2.25m, "2026-07-15T12:10:00Z", beads: 1),
            Event("x4", 60, "2026-07-10T09:00:00Z", role: "mayor", rig: null),
        ]);
        // projected: 6.75 so far + 3.75 an hour for the 11.5 hours left of the day;
        // daily average: the $60 of July 10 over the five days since spend began (10th to 14th)
        Assert.Equal("""
            {"hours":[{"hour":"2026-07-15T10:00:00Z","total_usd":3},{"hour":"2026-07-15T11:00:00Z","total_usd":1.5},{"hour":"2026-07-15T12:00:00Z","total_usd":2.25}],"burn_rate_usd_per_hour":3.75,"today_usd":6.75,"projected_today_usd":49.875,"daily_average_usd":12,"thresholds":{"yellow_usd":10,"red_usd":25},"tz":"UTC"}
            """, await server.GetStringAsync("/api/stats/hourly?hours=3"));
        Assert.Equal("""
            {"by_role":[{"role":"mayor","total_usd":60,"beads_closed":0,"usd_per_bead":null},{"role":"polecat","total_usd":5.25,"beads_closed":3,"usd_per_bead":1.75},{"role":"witness","total_usd":1.5,"beads_closed":0,"usd_per_bead":null}],"by_rig":[{"rig":null,"total_usd":61.5,"beads_closed":0,"usd_per_bead":null},{"rig":"quarry","total_usd":5.25,"beads_closed":3,"usd_per_bead":1.75}]}
            """, await server.GetStringAsync("/api/stats/beads"));
    }

    [Theory, BothEngines]
    public async Task AnEmptyDatabaseAnswersEveryReadEndpointWithEmptyData(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAtAsync(db, new DateTimeOffset(2026, 7, 15, 12, 30, 0, TimeSpan.Zero));
        Assert.Equal("""{"data":[],"tz":"America/New_York"}""", await server.GetStringAsync("/api/stats/daily?group_by=rig&tz=America/New_York&from=2026-07-01&to=2026-07-15"));
        Assert.Equal("""{"data":[],"tz":"UTC"}""", await server.GetStringAsync("/api/stats/daily"));
        Assert.Equal("""{"data":[]}""", await server.GetStringAsync("/api/stats/workers?from=2026-07-01T00:00:00.5Z"));
        Assert.Equal("""{"by_role":[],"by_rig":[]}""", await server.GetStringAsync("/api/stats/beads"));
        Assert.Equal("""{"roles":[],"rigs":[],"workers":[],"models":[],"sources":[]}""", await server.GetStringAsync("/api/stats/filters"));
        Assert.Equal("""{"data":[],"count":0,"total":0}""", await server.GetStringAsync("/api/costs?q=x"));
        Assert.Equal("""{"data":[],"total_usd":0,"overlap_usd":0,"counted_usd":0}""", await server.GetStringAsync("/api/stats/sources"));
        Assert.Equal("""{"today":{"total_usd":0,"sessions":0},"week":{"total_usd":0,"sessions":0},"month":{"total_usd":0,"sessions":0},"tz":"UTC"}""",
            await server.GetStringAsync("/api/stats/summary"));
        Assert.StartsWith("""{"hours":[{"hour":"2026-07-15T12:00:00Z","total_usd":0}],"burn_rate_usd_per_hour":0,"today_usd":0""", await server.GetStringAsync("/api/stats/hourly?hours=1"));
    }

    [Theory]
    [InlineData("/api/stats/daily?tz=Mars/Olympus", "tz", "'Mars/Olympus' is not a known IANA time zone such as America/New_York")]
    [InlineData("/api/stats/daily?from=2026-13-01", "from", "must be a date (YYYY-MM-DD) or an RFC 3339 date-time")]
    [InlineData("/api/stats/roles?from=2026-03-09&to=2026-03-01", "from", "must be before to")]
    [InlineData("/api/stats/daily?group_by=color", "group_by", "must be one of role, rig, worker, model, source")]
    [InlineData("/api/costs?limit=-1", "limit", "must be a whole number from 1 to 1000")]
    [InlineData("/api/costs?limit=1001", "limit", "must be a whole number from 1 to 1000")]
    [InlineData("/api/costs?offset=abc", "offset", "must be a whole number from 0 to 10000000")]
    [InlineData("/api/costs?sort=price", "sort", "must be one of ended_at, started_at, cost, session_id, role, worker, rig, model, duration, beads, tokens")]
    [InlineData("/api/costs?from=2026-01-01&from=2026-02-01", "from", "must be given once")]
    [InlineData("/api/stats/summary?role=", "role", "must name at least one value")]
    [InlineData("/api/stats/hourly?hours=0", "hours", "must be a whole number from 1 to 744")]
    [InlineData("/api/stats/rigs?to=", "to", "must not be empty")]
    public async Task EveryBadParameterIsA400NamingIt(string path, string field, string message)
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var response = await server.Client.GetAsync(path);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal($$"""{"error":"Invalid parameters","details":[{"field":"{{field}}","message":"{{message}}"}]}""", await response.Content.ReadAsStringAsync());
    }
}
