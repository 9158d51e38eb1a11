using Dapper;
using Gasometer.Ingest;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;
using Gasometer.Time;

namespace Gasometer.Tests.Storage;

/// <summary>PostgreSQL connections keep the writer's statements prepared unless the connection string says otherwise.</summary>
public sealed class PostgresPreparationTests
{
    [Theory]
    [InlineData("Host=db.example;Database=gasometer", "Max Auto Prepare=64")]
    [InlineData("postgres://gas:secret@db.example:5433/gasometer", "Max Auto Prepare=64")]
    [InlineData("Host=db.example;Database=gasometer;Max Auto Prepare=0", "Max Auto Prepare=0")]
    [InlineData("Host=db.example;Database=gasometer;maxautoprepare=7", "Max Auto Prepare=7")]
    public async Task AutomaticPreparationIsOnByDefaultAndAConnectionStringsOwnValueStands(string setting, string expected)
    {
        await using var database = Database.Postgres(DatabaseSettings.ToNpgsql(setting));

        Assert.Contains(expected, database.PostgresConnectionString);
    }

    [Fact]
    public async Task TheWritersStatementsArePreparedOnTheServerAfterAFewEvents()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Postgres);
        await using var database = db.Open();
        await Migrations.ApplyAsync(database);
        var store = new SnapshotStore(database, RollupZones.UtcOnly);

        await using var connection = await database.OpenAsync();
        for (int i = 0; i < 8; i++)
        {
            await using var tx = await connection.BeginTransactionAsync();
            await store.ApplyAsync(connection, tx, [new CostSnapshot("prep-1", "polecat", "w1", "rig1", (i + 1) * 1_000_000L,
                new Instant(1_772_870_400_000_000_000L + i * 1_000_000_000L, 0), i, i, i, i, "claude-sonnet-4-5", 60, 0,
                CostSnapshot.HookSource)], 0);
            await tx.CommitAsync();
        }

        var prepared = (await connection.QueryAsync<string>("SELECT statement FROM pg_prepared_statements")).ToList();
        Assert.Contains(prepared, s => s.Contains("INSERT INTO snapshots", StringComparison.Ordinal));
        Assert.Equal(8, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM snapshots WHERE session_id = 'prep-1'"));
    }
}
