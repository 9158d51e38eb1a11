using Dapper;
using Gasometer.Demo;
using Gasometer.Storage;
using Xunit;

namespace Gasometer.Tests.Demo;

public sealed class DemoServerTests : IDisposable
{
    readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("gasometer-demo-");

    public void Dispose() => folder.Delete(recursive: true);

    string DemoDb => Path.Combine(folder.FullName, "demo.db");

    async Task<(int Exit, string Output)> RunDemoUntilFilledAsync(int days, ulong seed = 4)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = new StringWriter();
        int exit = await DemoServer.RunAsync(new DemoOptions(days, 1, seed, "America/New_York", 1.0 / 60, DemoDb, Fresh: false),
            ["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], output, stop.Token, _ => stop.Cancel());
        return (exit, output.ToString());
    }

    async Task<List<(string SessionId, long EndedAtNs, long CostNanos)>> StoredAsync()
    {
        await using var database = Database.Sqlite(DemoDb);
        await using var c = await database.OpenAsync();
        return (await c.QueryAsync<(string, long, long)>(
            "SELECT session_id, ended_at_ns, cost_nanos FROM snapshots ORDER BY ended_at_ns, session_id")).ToList();
    }

    [Fact]
    public async Task RunningTheDemoAgainAddsOnlyLaterEventsOfTheSameTown()
    {
        var (firstExit, firstOutput) = await RunDemoUntilFilledAsync(days: 2);
        var first = await StoredAsync();
        var (secondExit, secondOutput) = await RunDemoUntilFilledAsync(days: 2);
        var second = await StoredAsync();

        Assert.Equal(0, firstExit);
        Assert.Equal(0, secondExit);
        Assert.Contains("Filled", firstOutput);
        Assert.Contains("Open http://127.0.0.1:", firstOutput);
        Assert.Contains("Resumed", secondOutput);
        Assert.True(first.Count > 200);
        // Everything stored the first time is still there, unchanged, and nothing else appeared
        // except the town's own next events: exactly what the simulator makes for the stored span.
        Assert.Equal(first, second.Take(first.Count));
        var simulator = new FleetSimulator(new Fleet(1, 4), 4, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        var generated = simulator.Events(second[0].EndedAtNs, second[^1].EndedAtNs + 1)
            .Select(s => (s.SessionId, s.EndedAt.UnixNanos, s.CostNanos)).OrderBy(s => s.UnixNanos).ThenBy(s => s.SessionId, StringComparer.Ordinal);
        Assert.Equal(generated, second);
    }

    [Fact]
    public async Task DemoWithAnotherSeedStartsAFreshDatabase()
    {
        await RunDemoUntilFilledAsync(days: 1, seed: 4);
        var (exit, output) = await RunDemoUntilFilledAsync(days: 1, seed: 5);
        var stored = await StoredAsync();

        Assert.Equal(0, exit);
        Assert.Contains("Filled", output);
        var simulator = new FleetSimulator(new Fleet(1, 5), 5, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        Assert.Equal(simulator.Events(stored[0].EndedAtNs, stored[^1].EndedAtNs + 1).Count(), stored.Count);
    }

    [Fact]
    public async Task DemoNeverTouchesADatabaseItDidNotCreate()
    {
        await File.WriteAllTextAsync(DemoDb, "not a demo");

        var (exit, output) = await RunDemoUntilFilledAsync(days: 1);

        Assert.Equal(1, exit);
        Assert.Contains("is not a demo database", output);
        Assert.Equal("not a demo", await File.ReadAllTextAsync(DemoDb));
    }
}
