using Dapper;
using Gasometer.Demo;
using Gasometer.Ingest;
using Gasometer.Storage;
using Xunit;

namespace Gasometer.Tests.Demo;

public sealed class FleetIngestTests : IAsyncLifetime
{
    readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("gasometer-demo-ingest-");
    Database database = null!;

    public async Task InitializeAsync()
    {
        database = Database.Sqlite(Path.Combine(folder.FullName, "fleet.db"));
        await Migrations.ApplyAsync(database);
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task ThirtyDayFleetIngestedGivesTheTotalsComputedFromItsEvents()
    {
        long end = (new DateTime(2026, 3, 20, 0, 0, 0, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) * 100;
        long from = end - 30 * 24L * 3600 * 1_000_000_000;
        var simulator = new FleetSimulator(new Fleet(2, 42), 42, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        var events = simulator.Events(from, end).ToList();

        // Through the store in batches, as the demo fills its database.
        long ingested = await DemoServer.BackfillAsync(database, new SnapshotStore(database, RollupZones.UtcOnly), events, TextWriter.Null, CancellationToken.None);

        var increments = RunningTotalRules.Increments(events).ToList();
        var runs = RunningTotalRules.Runs(events);
        var expectedByRole = increments.GroupBy(x => x.Snapshot.Role).ToDictionary(g => g.Key, g => g.Sum(x => x.IncrementNanos));
        var expectedRunsByRole = runs.GroupBy(r => r.Role).ToDictionary(g => g.Key, g => (long)g.Count());
        long expectedTotal = increments.Sum(x => x.IncrementNanos);

        await using var c = await database.OpenAsync();
        var rollupByRole = (await c.QueryAsync<(string Role, long Spend)>(
            "SELECT role, SUM(spend_nanos) FROM spend_rollup GROUP BY role")).ToDictionary(r => r.Role, r => r.Spend);
        var runsByRole = (await c.QueryAsync<(string Role, long Spend, long Count)>(
            "SELECT role, SUM(cost_nanos), COUNT(*) FROM runs GROUP BY role")).ToList();

        Assert.Equal(events.Count, ingested);
        Assert.Equal(events.Count, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM snapshots"));
        Assert.Equal(6, expectedByRole.Count);
        Assert.Equal(expectedByRole, rollupByRole);
        Assert.Equal(expectedByRole, runsByRole.ToDictionary(r => r.Role, r => r.Spend));
        Assert.Equal(expectedRunsByRole, runsByRole.ToDictionary(r => r.Role, r => r.Count));
        Assert.Equal(expectedTotal, await c.ExecuteScalarAsync<long>("SELECT SUM(spend_nanos) FROM spend_rollup"));
        Assert.Equal(expectedTotal, await c.ExecuteScalarAsync<long>("SELECT SUM(increment_nanos) FROM snapshots"));
        Assert.Equal(runs.Where(r => r.Role == "polecat").Sum(r => r.Beads),
            await c.ExecuteScalarAsync<long>("SELECT SUM(beads_closed) FROM runs WHERE role = 'polecat'"));
    }
}
