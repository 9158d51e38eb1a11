using Dapper;
using Gasometer.Ingest;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;
using Gasometer.Time;
using Microsoft.Extensions.Configuration;

namespace Gasometer.Tests.Storage;

public sealed class WalCheckpointTests
{
    static CostSnapshot Snapshot(int i) => new($"wal-{i % 7}", "polecat", "w1", "rig1", (i + 1) * 1_000_000L,
        new Instant(1_772_870_400_000_000_000L + i * 1_000_000_000L, 0), i, i, i, i, "claude-sonnet-4-5", 60, 0, CostSnapshot.HookSource);

    static async Task WriteAsync(System.Data.Common.DbConnection writer, SnapshotStore store, int from, int count)
    {
        for (int i = from; i < from + count; i++)
        {
            await using var tx = await writer.BeginTransactionAsync();
            await store.ApplyAsync(writer, tx, [Snapshot(i)], 0);
            await tx.CommitAsync();
        }
    }

    [Fact]
    public async Task AWriterWithoutAutomaticCheckpointsLeavesTheCopyingToTheCheckpointAndTheRestartReusesTheWal()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var database = db.Open();
        await Migrations.ApplyAsync(database);
        var store = new SnapshotStore(database, RollupZones.UtcOnly);
        var walFile = db.SettingValue + "-wal";

        await using var writer = await database.OpenAsync();
        await WalCheckpointer.DisableAutomaticCheckpoints(writer);
        await using var checkpointer = await database.OpenAsync();
        await WalCheckpointer.CheckpointAsync(checkpointer); // the migrations' pages are out of the way
        await WalCheckpointer.RestartAsync(writer);

        // Far more than SQLite's automatic 1,000 pages: nothing is copied back while the writer commits.
        await WriteAsync(writer, store, 0, 400);
        var before = await WalCheckpointer.CheckpointAsync(checkpointer);
        Assert.True(before.LogPages > 1_000, $"{before.LogPages} pages in the WAL");
        Assert.Equal(before.LogPages, before.CheckpointedPages);
        long sizeAfterFirstRound = new FileInfo(walFile).Length;

        // The restart finds nothing left to copy and starts the WAL over: the next commits write into
        // the same file from its start instead of after its end.
        Assert.Equal(before, await WalCheckpointer.RestartAsync(writer));
        await WriteAsync(writer, store, 400, 400);
        long sizeAfterSecondRound = new FileInfo(walFile).Length;
        Assert.True(sizeAfterSecondRound < sizeAfterFirstRound * 3 / 2, $"WAL {sizeAfterFirstRound} then {sizeAfterSecondRound} bytes");

        // Every commit is there, whether read from the WAL or from the database file.
        await using var reader = await database.OpenAsync();
        Assert.Equal(800L, await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM snapshots"));
    }

    [Fact]
    public async Task OnceTheWalIsDueToStartOverPassesWaitForTheWritersRestart()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var database = db.Open();
        await Migrations.ApplyAsync(database);
        var store = new SnapshotStore(database, RollupZones.UtcOnly);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Gasometer:WalRestartPages", "16")]).Build();
        var checkpointer = new WalCheckpointer(database, configuration, Microsoft.Extensions.Logging.Abstractions.NullLogger<WalCheckpointer>.Instance);

        await using var writer = await database.OpenAsync();
        await WalCheckpointer.DisableAutomaticCheckpoints(writer);
        await using var passes = await database.OpenAsync();
        await WriteAsync(writer, store, 0, 100);

        var first = await checkpointer.PassAsync(passes, CancellationToken.None);
        Assert.True(first?.LogPages > 16, $"{first?.LogPages} pages in the WAL");
        // Due to start over: a pass would hold the checkpoint lock the writer's RESTART needs, so none runs.
        Assert.Null(await checkpointer.PassAsync(passes, CancellationToken.None));

        await checkpointer.RestartIfDueAsync(writer);
        await WriteAsync(writer, store, 100, 1);
        var after = await checkpointer.PassAsync(passes, CancellationToken.None);
        Assert.NotNull(after);
        Assert.True(after.Value.LogPages < first!.Value.LogPages, $"WAL of {first.Value.LogPages} pages, then {after.Value.LogPages} after one commit");
    }

    [Fact]
    public async Task AServerThatStartsItsWalOverEveryFewPagesStillStoresEveryEvent()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db, "--Gasometer:WalRestartPages=16");
        Assert.Equal(16, server.Service<WalCheckpointer>().RestartAbovePages);
        for (int i = 0; i < 40; i++)
        {
            var response = await server.PostJsonAsync("/api/ingest",
                $$"""{"session_id":"s{{i % 3}}","role":"polecat","cost_usd":{{i + 1}},"ended_at":"2026-03-07T08:00:{{i:00}}Z"}""");
            Assert.Equal(201, (int)response.StatusCode);
        }
        await using var reader = await server.Service<Database>().OpenAsync();
        Assert.Equal(40L, await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM snapshots"));
        Assert.Equal(117_000_000_000L, await reader.ExecuteScalarAsync<long>("SELECT SUM(spend_nanos) FROM spend_rollup"));
    }
}
