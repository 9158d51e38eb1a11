using Dapper;
using Gasometer.Ingest;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Ingest;

/// <summary>
/// A hook that retries sends what is already stored. Such a snapshot is recognised by looking its own
/// row up; the session is not read and replayed. (Were it replayed, the tampered increment below would
/// be put right: that is how these tests see which way the write went.)
/// </summary>
public sealed class ResendTests
{
    static string Event(string session, string time, string cost, string extra = "") =>
        $$"""{"session_id":"{{session}}","role":"polecat","rig":"quarry","cost_usd":{{cost}},"ended_at":"2026-03-07T{{time}}Z"{{extra}}}""";

    static async Task TamperAsync(Database database, string session, string time) =>
        await WithConnection(database, c => c.ExecuteAsync(
            "UPDATE snapshots SET increment_nanos = 7 WHERE session_id = @session AND ended_at_ns = @at",
            new { session, at = DateTimeOffset.Parse($"2026-03-07T{time}Z").ToUnixTimeMilliseconds() * 1_000_000 }));

    static async Task<T> WithConnection<T>(Database database, Func<System.Data.Common.DbConnection, Task<T>> use)
    {
        await using var c = await database.OpenAsync();
        return await use(c);
    }

    static Task<long> IncrementAsync(Database database, string session, string time) =>
        WithConnection(database, c => c.ExecuteScalarAsync<long>(
            "SELECT increment_nanos FROM snapshots WHERE session_id = @session AND ended_at_ns = @at",
            new { session, at = DateTimeOffset.Parse($"2026-03-07T{time}Z").ToUnixTimeMilliseconds() * 1_000_000 }));

    [Theory, BothEngines]
    public async Task AnIdenticalResendWithANewerSnapshotOnlyAppendsTheNewerOne(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        var database = server.Service<Database>();
        await server.PostAllAsync([Event("s", "08:00:00", "1.5"), Event("s", "08:01:00", "2.25", ""","input_tokens":10""")]);
        await TamperAsync(database, "s", "08:00:00");
        var published = new List<AcceptedSnapshot>();
        using var _ = server.Service<IngestFeed>().Subscribe(published.AddRange);

        var response = await server.PostJsonAsync("/api/ingest/batch", string.Join("\n",
            Event("s", "08:00:00", "1.5"), Event("s", "08:01:00", "2.25", ""","input_tokens":10"""), Event("s", "08:02:00", "3")));

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(7, await IncrementAsync(database, "s", "08:00:00")); // not replayed
        Assert.Equal(750_000_000, await IncrementAsync(database, "s", "08:02:00"));
        Assert.Equal(["08:02:00"], published.Select(a => a.Snapshot.EndedAt.ToUtcString()[11..19]));
        var state = await StoredState.ReadAsync(database);
        Assert.Equal(3_000_000_000, state.SessionSpendNanos("s"));
        Assert.Equal(1, state.RunCount("s"));
    }

    [Theory, BothEngines]
    public async Task AResendThatDiffersInAnyFieldStillReplaysTheSession(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        var database = server.Service<Database>();
        await server.PostAllAsync([Event("s", "08:00:00", "1.5"), Event("s", "08:01:00", "2.25", ""","input_tokens":10""")]);
        await TamperAsync(database, "s", "08:00:00");

        // Same time and cost, one more token count: a replacement, not a retry.
        var response = await server.PostJsonAsync("/api/ingest", Event("s", "08:01:00", "2.25", ""","input_tokens":11"""));

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(1_500_000_000, await IncrementAsync(database, "s", "08:00:00")); // replayed and put right
        var state = await StoredState.ReadAsync(database);
        Assert.Equal(2_250_000_000, state.SessionSpendNanos("s"));
    }

    [Theory, BothEngines]
    public async Task AnIdenticalResendChangesNothingAndPublishesNothing(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        var database = server.Service<Database>();
        string[] events = [Event("s", "08:00:00", "0"), Event("s", "08:01:00", "2.25"), Event("s", "08:02:00", "1", ",\"model\":\"m1\"")];
        await server.PostAllAsync(events);
        var before = await StoredState.ReadAsync(database);
        var published = new List<AcceptedSnapshot>();
        using var _ = server.Service<IngestFeed>().Subscribe(published.AddRange);

        foreach (var e in events) Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest", e)).StatusCode);
        Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest/batch", string.Join("\n", events))).StatusCode);

        Assert.Empty(published);
        Assert.Equivalent(before, await StoredState.ReadAsync(database), strict: true);
        Assert.Equal(2, before.RunCount("s"));
    }
}
