using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Stats;

/// <summary>The costs.jsonl sample through the stats API: whole responses with the README's figures.</summary>
public sealed class SampleStatsTests
{
    static async Task<GasometerServer> SampleServerAsync(TestDatabase db)
    {
        var server = await GasometerServer.StartAtAsync(db, new DateTimeOffset(2026, 3, 9, 12, 0, 0, TimeSpan.Zero));
        await server.PostAllAsync(SampleFiles.CostsJsonlLines());
        return server;
    }

    [Theory, BothEngines]
    public async Task DailyInNewYorkPutsEachIncrementOnItsOwnDay(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await SampleServerAsync(db);
        Assert.Equal("""
            {"data":[{"date":"2026-03-07","role":"deacon","total_usd":0.2490733,"session_count":1},{"date":"2026-03-07","role":"mayor","total_usd":1.9022416,"session_count":1},{"date":"2026-03-07","role":"polecat","total_usd":4.0066152,"session_count":1},{"date":"2026-03-07","role":"witness","total_usd":0.2544,"session_count":1},{"date":"2026-03-08","role":"crew","total_usd":3.0071669,"session_count":1},{"date":"2026-03-08","role":"deacon","total_usd":0.2237162,"session_count":2},{"date":"2026-03-08","role":"mayor","total_usd":2.392308,"session_count":2},{"date":"2026-03-08","role":"polecat","total_usd":2.1198004,"session_count":1},{"date":"2026-03-08","role":"refinery","total_usd":0.6035521,"session_count":1},{"date":"2026-03-08","role":"unknown","total_usd":0.0512204,"session_count":1},{"date":"2026-03-08","role":"witness","total_usd":0.1443312,"session_count":1}],"tz":"America/New_York"}
            """, await server.GetStringAsync("/api/stats/daily?tz=America/New_York"));
    }

    [Theory, BothEngines]
    public async Task DailyTotalsPerDayMatchTheReadmeInNewYorkAndUtc(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await SampleServerAsync(db);
        async Task<Dictionary<string, decimal>> PerDay(string tz)
        {
            var json = System.Text.Json.JsonDocument.Parse(await server.GetStringAsync($"/api/stats/daily?tz={tz}"));
            return json.RootElement.GetProperty("data").EnumerateArray()
                .GroupBy(r => r.GetProperty("date").GetString()!)
                .ToDictionary(g => g.Key, g => g.Sum(r => r.GetProperty("total_usd").GetDecimal()));
        }
        Assert.Equal(new Dictionary<string, decimal> { ["2026-03-07"] = 6.4123301m, ["2026-03-08"] = 8.5420952m }, await PerDay("America/New_York"));
        Assert.Equal(new Dictionary<string, decimal> { ["2026-03-07"] = 4.6893787m, ["2026-03-08"] = 9.2440435m, ["2026-03-09"] = 1.0210031m }, await PerDay("UTC"));
    }

    [Theory, BothEngines]
    public async Task RigsBreakdownMatchesTheReadme(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await SampleServerAsync(db);
        Assert.Equal("""
            {"data":[{"rig":"quarry","total_usd":7.1286989,"session_count":4,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0},{"rig":null,"total_usd":4.8185595,"session_count":5,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0},{"rig":"orchard","total_usd":3.0071669,"session_count":1,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0}]}
            """, await server.GetStringAsync("/api/stats/rigs"));
    }

    [Theory, BothEngines]
    public async Task RolesOnOneInclusiveDayAndWithFilters(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await SampleServerAsync(db);
        Assert.Equal("""
            {"data":[{"role":"mayor","total_usd":2.392308,"session_count":2,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0},{"role":"polecat","total_usd":2.1198004,"session_count":1,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0}]}
            """, await server.GetStringAsync("/api/stats/roles?from=2026-03-08&to=2026-03-08&tz=America/New_York&role=mayor,polecat"));
        Assert.Equal("""
            {"data":[{"role":"mayor","total_usd":2.392308,"session_count":2,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0},{"role":"polecat","total_usd":2.1198004,"session_count":1,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0}]}
            """, await server.GetStringAsync("/api/stats/roles?from=2026-03-08&to=2026-03-08&tz=America/New_York&role=mayor&role=polecat"));
    }

    [Theory, BothEngines]
    public async Task SummaryCountsTodayTheLastSevenDaysAndTheMonthInTheZone(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await SampleServerAsync(db); // "now" is 2026-03-09 12:00 UTC
        Assert.Equal("""
            {"today":{"total_usd":1.0210031,"sessions":2},"week":{"total_usd":14.9544253,"sessions":10},"month":{"total_usd":14.9544253,"sessions":10},"tz":"UTC"}
            """, await server.GetStringAsync("/api/stats/summary"));
        Assert.Equal("""
            {"today":{"total_usd":0,"sessions":0},"week":{"total_usd":14.9544253,"sessions":10},"month":{"total_usd":14.9544253,"sessions":10},"tz":"America/New_York"}
            """, await server.GetStringAsync("/api/stats/summary?tz=America/New_York"));
    }

    [Theory, BothEngines]
    public async Task CostsListsRunsNewestFirstWithTheSeedFields(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await SampleServerAsync(db);
        Assert.Equal("""
            {"data":[{"id":"qy-obsidian#2","session_id":"qy-obsidian","run":2,"role":"polecat","worker":"obsidian","rig":"quarry","model":null,"cost_usd":2.1198004,"input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"cache_create_tokens":0,"duration_sec":null,"beads_closed":0,"started_at":"2026-03-08T12:40:51.512664029Z","ended_at":"2026-03-08T14:12:36.8812Z","snapshot_count":2,"source":"hook"}],"count":1,"total":2}
            """, await server.GetStringAsync("/api/costs?q=OBSID&limit=1"));
        var page = System.Text.Json.JsonDocument.Parse(await server.GetStringAsync("/api/costs?sort=cost&order=asc&limit=3&offset=1")).RootElement;
        Assert.Equal(["hq-boot#1", "hq-deacon#1", "qy-witness#1"], page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(10, page.GetProperty("total").GetInt32());
    }

    [Theory, BothEngines]
    public async Task SessionDetailHasItsRunsAndItsTimeSeries(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await SampleServerAsync(db);
        var detail = System.Text.Json.JsonDocument.Parse(await server.GetStringAsync("/api/costs/qy-obsidian")).RootElement;
        Assert.Equal(6.1264156m, detail.GetProperty("total_usd").GetDecimal());
        Assert.Equal([1, 2], detail.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run").GetInt32()));
        var series = detail.GetProperty("snapshots").EnumerateArray()
            .Select(s => (s.GetProperty("run").GetInt32(), s.GetProperty("cost_usd").GetDecimal(), s.GetProperty("increment_usd").GetDecimal())).ToList();
        Assert.Equal(6.1264156m, series.Sum(s => s.Item3));
        Assert.Contains((1, 0m, 0m), series); // the "no data" snapshot stays in its run and adds nothing

        var missing = await server.Client.GetAsync("/api/costs/no-such-session");
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("""{"error":"Not found"}""", await missing.Content.ReadAsStringAsync());
    }

    [Theory, BothEngines]
    public async Task FiltersListWhatIsPresentInTheRange(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await SampleServerAsync(db);
        Assert.Equal("""
            {"roles":["crew","deacon","mayor","polecat","refinery","unknown","witness"],"rigs":["orchard","quarry"],"workers":["deacon","maple","mayor","obsidian","zz-sandbox"],"models":[],"sources":["hook"]}
            """, await server.GetStringAsync("/api/stats/filters"));
        Assert.Equal("""
            {"roles":["deacon","mayor","polecat","witness"],"rigs":["quarry"],"workers":["deacon","mayor","obsidian"],"models":[],"sources":["hook"]}
            """, await server.GetStringAsync("/api/stats/filters?from=2026-03-07&to=2026-03-07&tz=America/New_York&role=mayor"));
    }
}
