using Dapper;
using Gasometer.Ingest;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Storage;

public sealed class DurabilityTests
{
    [Theory, BothEngines]
    public async Task DataSurvivesAServerRestart(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using (var server = await GasometerServer.StartAsync(db))
            foreach (var line in SampleFiles.CostsJsonlLines())
                await server.PostJsonAsync("/api/ingest", line);

        await using (var restarted = await GasometerServer.StartAsync(db))
        {
            var state = await StoredState.ReadAsync(restarted.Service<Database>());
            Assert.Equal(14_954_425_300, state.RollupSpendNanos);
            Assert.Equal(10, state.Runs.Count);
            // and the restarted server keeps appending to the stored runs
            var response = await restarted.PostJsonAsync("/api/ingest",
                """{"session_id":"hq-mayor","role":"mayor","cost_usd":1.6530487,"ended_at":"2026-03-09T08:00:00Z"}""");
            Assert.Equal(201, (int)response.StatusCode);
            state = await StoredState.ReadAsync(restarted.Service<Database>());
            Assert.Equal(15_054_425_300, state.RollupSpendNanos);
            Assert.Equal(2, state.RunCount("hq-mayor"));
        }
    }

    [Theory, BothEngines]
    public async Task AnOlderDatabaseIsUpgradedInPlaceAtStartUp(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        var latest = Migrations.For(engine).Max(m => m.Version);
        var older = Migrations.For(engine).Where(m => m.Version < latest).Select(m => m.Version).DefaultIfEmpty(0).Max();
        await using (var database = db.Open())
            await Migrations.ApplyAsync(database, upToVersion: older);

        await using var server = await GasometerServer.StartAsync(db);
        await using var connection = await server.Service<Database>().OpenAsync();
        Assert.Equal(latest, await Migrations.CurrentVersionAsync(connection));
        Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest", SampleFiles.CostsJsonlLines()[0])).StatusCode);
    }

    [Fact]
    public async Task AMigrationAnotherProcessAppliedWhileThisOneWaitedIsNotAppliedTwice()
    {
        // A server and an import started at once: both read "not applied", the second waited for the
        // first's write transaction and then failed on "table ... already exists".
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        var latest = Migrations.For(Engine.Sqlite)[^1];
        await using (var older = db.Open())
            await Migrations.ApplyAsync(older, upToVersion: latest.Version - 1);

        await using var first = db.Open();
        await using var other = await first.OpenAsync();
        await using var tx = await other.BeginTransactionAsync(); // holds the write lock, as the first process's migration does
        await using var second = db.Open();
        var waiting = Task.Run(() => Migrations.ApplyAsync(second));
        await Task.Delay(1_000); // it has read what is applied and waits for the lock
        await other.ExecuteAsync(latest.Sql, transaction: tx);
        await other.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, 'now')",
            new { latest.Version, latest.Name }, tx);
        await tx.CommitAsync();

        Assert.Equal(0, await waiting);
        Assert.Equal(latest.Version, await Migrations.CurrentVersionAsync(other));
    }

    [Fact]
    public async Task ABrokenStorageAnswersDatabaseErrorAndPublishesNothing()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);
        var published = new List<AcceptedSnapshot>();
        using var _ = server.Service<IngestFeed>().Subscribe(published.AddRange);
        await using (var connection = await server.Service<Database>().OpenAsync())
            await connection.ExecuteAsync("DROP TABLE spend_rollup");

        var response = await server.PostJsonAsync("/api/ingest", SampleFiles.CostsJsonlLines()[0]);
        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("""{"error":"Database error"}""", await response.Content.ReadAsStringAsync());
        Assert.Empty(published);
        // the transaction rolled back: no snapshot or run was half-written
        var state = await (await server.Service<Database>().OpenAsync()).QuerySingleAsync<(long, long)>(
            "SELECT (SELECT COUNT(*) FROM snapshots), (SELECT COUNT(*) FROM runs)");
        Assert.Equal((0L, 0L), state);
    }

    [Fact]
    public async Task AnUnreachableDatabaseAnswers503SoClientsRetry()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Postgres);
        await using var server = await GasometerServer.StartAsync(db);
        await db.DropAsync();

        var response = await server.PostJsonAsync("/api/ingest", SampleFiles.CostsJsonlLines()[0]);
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("""{"error":"Database unavailable"}""", await response.Content.ReadAsStringAsync());

        var health = await server.Client.GetAsync("/health");
        Assert.Equal(503, (int)health.StatusCode);
        var body = await GasometerServer.BodyAsync(health);
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.Equal("gasometer-api", body.GetProperty("service").GetString());
        Assert.Equal("Database unavailable", body.GetProperty("error").GetString());
    }

    [Theory, BothEngines]
    public async Task CommittedSnapshotsArePublishedWithTheirRunAndIncrement(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        var published = new List<AcceptedSnapshot>();
        using var _ = server.Service<IngestFeed>().Subscribe(batch => { lock (published) published.AddRange(batch); });

        await server.PostJsonAsync("/api/ingest", """{"session_id":"hq-mayor","role":"mayor","cost_usd":1.25,"ended_at":"2026-03-07T10:00:00Z"}""");
        await server.PostJsonAsync("/api/ingest", """{"session_id":"hq-mayor","role":"mayor","cost_usd":2,"ended_at":"2026-03-07T10:05:00Z"}""");
        await server.PostJsonAsync("/api/ingest", """{"session_id":"hq-mayor","role":"mayor","cost_usd":2,"ended_at":"2026-03-07T10:05:00Z"}"""); // identical re-send
        await server.PostJsonAsync("/api/ingest", """{"session_id":"hq-mayor","role":"mayor","cost_usd":-2,"ended_at":"2026-03-07T10:06:00Z"}"""); // rejected
        await server.PostJsonAsync("/api/ingest", """{"session_id":"hq-mayor","role":"mayor","cost_usd":0.5,"ended_at":"2026-03-07T10:10:00Z"}""");

        Assert.Equal(
            [(1, 1_250_000_000L, 1_250_000_000L), (1, 750_000_000L, 2_000_000_000L), (2, 500_000_000L, 500_000_000L)],
            published.Select(p => (p.Placement.RunNo, p.Placement.IncrementNanos, p.RunCostNanos)));
        Assert.True(published[0].Id < published[1].Id && published[1].Id < published[2].Id);
    }
}
