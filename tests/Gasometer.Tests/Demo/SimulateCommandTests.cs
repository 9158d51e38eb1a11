using System.Text.Json;
using Dapper;
using Gasometer.Demo;
using Gasometer.Ingest;
using Gasometer.Storage;
using Xunit;

namespace Gasometer.Tests.Demo;

public sealed class SimulateCommandTests : IDisposable
{
    readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("gasometer-simulate-");

    public void Dispose() => folder.Delete(recursive: true);

    static List<CostSnapshot> Expected(int days, int rigs, ulong seed, string end)
    {
        Assert.True(Gasometer.Time.Instant.TryParse(end, out var to, out _));
        long from = to.UnixNanos - days * 24L * 3600 * 1_000_000_000;
        return new FleetSimulator(new Fleet(rigs, seed), seed, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"))
            .Events(from, to.UnixNanos).ToList();
    }

    static List<CostSnapshot> ReadLines(string path) => File.ReadLines(path).Select(line =>
    {
        using var document = JsonDocument.Parse(line);
        var problems = new List<ValidationDetail>();
        var snapshot = SnapshotParser.Parse(document.RootElement, CostSnapshot.HookSource, problems);
        Assert.Empty(problems);
        return snapshot!;
    }).ToList();

    [Fact]
    public async Task SimulateOutWritesCostsLinesThatParseBackToTheGeneratedEvents()
    {
        var path = Path.Combine(folder.FullName, "costs.jsonl");

        int exit = await FleetCommandLine.RunAsync(
            ["simulate", "--days", "3", "--rigs", "2", "--seed", "5", "--end", "2026-03-09T00:00:00Z", "--out", path], TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, exit);
        var expected = Expected(3, 2, 5, "2026-03-09T00:00:00Z");
        Assert.True(expected.Count > 500);
        Assert.Equal(expected, ReadLines(path));
        Assert.False(File.Exists(path + ".partial"));
    }

    [Theory]
    [InlineData("--rigs", "0", "--rigs must be from 1 to 100.")]
    [InlineData("--days", "-2", "--days must be from 1 to 36500.")]
    [InlineData("--zone", "Mars/Olympus", "--zone 'Mars/Olympus' is not a known IANA time zone.")]
    [InlineData("--end", "yesterday", "--end 'yesterday' is not an RFC 3339 date-time or a YYYY-MM-DD date.")]
    [InlineData("--days", "abc", "Cannot parse argument 'abc' for option '--days'")]
    [InlineData("--rigs", "1.5", "Cannot parse argument '1.5' for option '--rigs'")]
    public async Task SimulateRefusesBadOptionsAndWritesNothing(string option, string value, string message)
    {
        var path = Path.Combine(folder.FullName, "costs.jsonl");
        var args = new Dictionary<string, string> { ["--days"] = "2", ["--rigs"] = "1" };
        args[option] = value;
        var error = new StringWriter();

        int exit = await FleetCommandLine.RunAsync(["simulate", .. args.SelectMany(kv => new[] { kv.Key, kv.Value }), "--out", path], TextWriter.Null, error);

        Assert.NotEqual(0, exit);
        Assert.Contains(message, error.ToString());
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task SimulateNeedsExactlyOneDestination()
    {
        var error = new StringWriter();

        int exit = await FleetCommandLine.RunAsync(["simulate", "--days", "1", "--rigs", "1"], TextWriter.Null, error);

        Assert.NotEqual(0, exit);
        Assert.Contains("Give exactly one of --out FILE or --post URL.", error.ToString());
    }

    [Fact]
    public async Task SimulatePostSendsEveryEventToARunningServerWithTheApiKey()
    {
        var db = Path.Combine(folder.FullName, "server.db");
        await using var app = await Program.BuildServerAsync(
            ["--urls=http://127.0.0.1:0", $"--Gasometer:SqlitePath={db}", "--GASOMETER_API_KEY=sim-key", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var url = app.Urls.First();
        var error = new StringWriter();

        int refused = await FleetCommandLine.RunAsync(
            ["simulate", "--days", "2", "--rigs", "1", "--seed", "3", "--end", "2026-03-09T00:00:00Z", "--post", url, "--api-key", "wrong"], TextWriter.Null, error);
        int exit = await FleetCommandLine.RunAsync(
            ["simulate", "--days", "2", "--rigs", "1", "--seed", "3", "--end", "2026-03-09T00:00:00Z", "--post", url, "--api-key", "sim-key", "--batch", "700"],
            TextWriter.Null, TextWriter.Null);
        await app.StopAsync();

        Assert.Equal(1, refused);
        Assert.Contains("401", error.ToString());
        Assert.Equal(0, exit);
        var expected = Expected(2, 1, 3, "2026-03-09T00:00:00Z");
        await using var database = Database.Sqlite(db);
        await using var c = await database.OpenAsync();
        Assert.Equal(expected.Count, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM snapshots WHERE source = 'hook'"));
        Assert.Equal(RunningTotalRules.Increments(expected).Sum(x => x.IncrementNanos),
            await c.ExecuteScalarAsync<long>("SELECT SUM(spend_nanos) FROM spend_rollup"));
    }
}
