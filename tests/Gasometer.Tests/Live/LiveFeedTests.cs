using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Dapper;
using Gasometer.Live;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Live;

/// <summary>WS /ws/live with real WebSocket clients against the real server on a loopback port.</summary>
public sealed class LiveFeedTests
{
    const string Connected = """{"type":"connected","message":"Gasometer live feed"}""";

    static readonly DateTime Start = new(2026, 3, 7, 10, 0, 0, DateTimeKind.Utc);

    /// <summary>A minimal stop-hook event: session, running total, and a time <paramref name="second"/>s after 10:00 UTC.</summary>
    static string Snapshot(string session, int second, string cost) =>
        $$"""{"session_id":"{{session}}","role":"polecat","cost_usd":{{cost}},"ended_at":"{{Start.AddSeconds(second).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}"}""";

    static async Task PostAsync(GasometerServer server, string json)
    {
        var response = await server.PostJsonAsync("/api/ingest", json);
        Assert.Equal(201, (int)response.StatusCode);
    }

    /// <summary>Events 1..count of one session, each a little more expensive than the last.</summary>
    static async Task PostSeriesAsync(GasometerServer server, string session, int from, int count)
    {
        for (int i = from; i < from + count; i++) await PostAsync(server, Snapshot(session, i, $"0.{i:D4}"));
    }

    static async Task<FeedClient> ConnectedClientAsync(GasometerServer server, long? since = null, bool tinyReceiveBuffer = false)
    {
        var client = await FeedClient.ConnectAsync(server, since, tinyReceiveBuffer: tinyReceiveBuffer);
        Assert.Equal(Connected, await client.ReceiveTextAsync());
        return client;
    }

    /// <summary>Waits until the hub has this many clients (a closed client leaves it shortly after its close frame).</summary>
    static async Task UntilClientsAsync(GasometerServer server, int count)
    {
        var hub = server.Service<LiveHub>();
        for (int i = 0; hub.ClientCount != count; i++)
        {
            Assert.True(i < 1_000, $"expected {count} live clients, have {hub.ClientCount}");
            await Task.Delay(10);
        }
    }

    static List<long> Ids(long first, long last) => Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i).ToList();

    [Theory, BothEngines]
    public async Task ConnectedMessageIsTheSeedsGreeting(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        await using var client = await FeedClient.ConnectAsync(server);

        Assert.Equal(Connected, await client.ReceiveTextAsync());
    }

    [Theory, BothEngines]
    public async Task IngestReachesEveryClientWithExactContent(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        var clients = new List<FeedClient>();
        for (int i = 0; i < 3; i++) clients.Add(await ConnectedClientAsync(server));

        await PostAsync(server, """
            {"session_id":"hq-mayor","role":"mayor","worker":"mayor","rig":"hq","cost_usd":1.0587230000000003,
             "input_tokens":12000,"output_tokens":3400,"cache_read_tokens":150000,"cache_create_tokens":8000,
             "model":"claude-opus-4-6","duration_sec":600,"beads_closed":2,"ended_at":"2026-03-07T09:12:44.5-05:00"}
            """);
        await PostAsync(server, """{"session_id":"hq-mayor","role":"mayor","cost_usd":1.5,"ended_at":"2026-03-07T14:20:00Z"}""");
        // A drop in the running total: a new conversation (run 2) in the same tmux session.
        await PostAsync(server, """{"session_id":"hq-mayor","role":"mayor","cost_usd":0.25,"ended_at":"2026-03-07T15:00:00.000000001Z"}""");

        foreach (var client in clients)
        {
            Assert.Equal("""
                {"type":"cost_event","id":1,"data":{"session_id":"hq-mayor","role":"mayor","worker":"mayor","rig":"hq","cost_usd":1.058723,"input_tokens":12000,"output_tokens":3400,"cache_read_tokens":150000,"cache_create_tokens":8000,"model":"claude-opus-4-6","duration_sec":600,"beads_closed":2,"ended_at":"2026-03-07T14:12:44.5Z","increment_usd":1.058723,"run":1,"run_total_usd":1.058723}}
                """, await client.ReceiveTextAsync());
            Assert.Equal("""
                {"type":"cost_event","id":2,"data":{"session_id":"hq-mayor","role":"mayor","worker":null,"rig":null,"cost_usd":1.5,"input_tokens":null,"output_tokens":null,"cache_read_tokens":null,"cache_create_tokens":null,"model":null,"duration_sec":null,"beads_closed":null,"ended_at":"2026-03-07T14:20:00Z","increment_usd":0.441277,"run":1,"run_total_usd":1.5}}
                """, await client.ReceiveTextAsync());
            Assert.Equal("""
                {"type":"cost_event","id":3,"data":{"session_id":"hq-mayor","role":"mayor","worker":null,"rig":null,"cost_usd":0.25,"input_tokens":null,"output_tokens":null,"cache_read_tokens":null,"cache_create_tokens":null,"model":null,"duration_sec":null,"beads_closed":null,"ended_at":"2026-03-07T15:00:00.000000001Z","increment_usd":0.25,"run":2,"run_total_usd":0.25}}
                """, await client.ReceiveTextAsync());
            await client.DisposeAsync();
        }
    }

    [Theory, BothEngines]
    public async Task RejectedOrUnchangedIngestSendsNothing(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        await using var client = await ConnectedClientAsync(server);

        Assert.Equal(400, (int)(await server.PostJsonAsync("/api/ingest", """{"session_id":"x","cost_usd":1,"ended_at":"2026-03-07T10:00:00Z"}""")).StatusCode);
        Assert.Equal(400, (int)(await server.PostJsonAsync("/api/ingest", "{not json")).StatusCode);
        Assert.Equal(400, (int)(await server.PostJsonAsync("/api/ingest/batch", """[{"session_id":"x"}]""")).StatusCode);
        await PostAsync(server, Snapshot("first", 0, "0.5"));
        // An identical re-send changes nothing stored, so it is not news either.
        await PostAsync(server, Snapshot("first", 0, "0.5"));
        await PostAsync(server, Snapshot("second", 0, "0.7"));

        var (id, data) = await client.ReceiveEventAsync();
        Assert.Equal((1, "first"), (id, data.GetProperty("session_id").GetString()));
        (id, data) = await client.ReceiveEventAsync();
        Assert.Equal((2, "second"), (id, data.GetProperty("session_id").GetString()));
    }

    [Theory, BothEngines]
    public async Task BatchAnnouncesEachAcceptedEventInItsOwnMessage(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        await using var client = await ConnectedClientAsync(server);

        var batch = $"[{Snapshot("b-rig", 5, "2")},{{\"session_id\":\"bad\"}},{Snapshot("a-rig", 9, "1")},{Snapshot("b-rig", 7, "3")}]";
        var response = await server.PostJsonAsync("/api/ingest/batch", batch);
        Assert.Equal(201, (int)response.StatusCode);

        // One message per accepted snapshot, in the order they were stored: by session, then time.
        var received = new List<(long, string?, string?)>();
        for (int i = 0; i < 3; i++)
        {
            var (id, data) = await client.ReceiveEventAsync();
            received.Add((id, data.GetProperty("session_id").GetString(), data.GetProperty("increment_usd").GetRawText()));
        }
        Assert.Equal([(1, "a-rig", "1"), (2, "b-rig", "2"), (3, "b-rig", "1")], received);
    }

    [Theory, BothEngines]
    public async Task StalledClientDoesNotDelayOthersAndIsDisconnected(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        // A batch is offered to every queue at once, so the limit must hold one batch for anyone to keep up.
        await using var server = await GasometerServer.StartAsync(db, "--Gasometer:Live:SendQueueLimit=500");
        await using var stalled = await ConnectedClientAsync(server, tinyReceiveBuffer: true);
        await using var healthy = await ConnectedClientAsync(server);
        var hub = server.Service<LiveHub>();

        // The stalled client reads nothing from here on. Each batch must still be acknowledged and
        // reach the healthy client in full while the stalled one is connected.
        // Loopback socket buffers grow to megabytes before the server's sends block, hence big batches
        // of wide events.
        const int perBatch = 400;
        var wide = $$""","worker":"{{new string('w', 128)}}","rig":"{{new string('r', 128)}}","model":"{{new string('m', 128)}}"}""";
        long posted = 0;
        for (int batch = 0; hub.ClientCount == 2; batch++)
        {
            Assert.True(batch < 100, "the stalled client was never disconnected");
            var events = Enumerable.Range(0, perBatch).Select(i => Snapshot($"s{batch}", i, $"0.{i + 1:D4}").Replace("}", wide));
            Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest/batch", "[" + string.Join(",", events) + "]")).StatusCode);
            Assert.Equal(Ids(posted + 1, posted + perBatch), await healthy.ReceiveIdsAsync(perBatch));
            posted += perBatch;
        }
        Assert.Equal(1, hub.ClientCount);

        // Reading again, the stalled client finds the start of the feed in order, then the close frame.
        var got = new List<long>();
        while (await stalled.ReceiveAsync() is { } text)
            got.Add(JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64());
        Assert.Equal(LiveClient.QueueOverflowStatus, stalled.CloseStatus);
        Assert.Equal((WebSocketCloseStatus)4000, stalled.CloseStatus);
        Assert.Equal("send queue overflow", stalled.CloseDescription);
        Assert.Equal(Ids(1, got.Count), got);
        Assert.True(got.Count < posted);

        // Nothing is held back for the healthy client afterwards either.
        await PostAsync(server, Snapshot("after", 0, "1"));
        Assert.Equal(posted + 1, (await healthy.ReceiveEventAsync()).Id);
    }

    [Theory, BothEngines]
    public async Task ReconnectWithSinceReceivesExactlyTheMissedEventsOnce(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        await using (var first = await ConnectedClientAsync(server))
        {
            await PostSeriesAsync(server, "s", 1, 3);
            Assert.Equal([1, 2, 3], await first.ReceiveIdsAsync(3));
            await first.CloseAsync();
        }
        await UntilClientsAsync(server, 0);
        await PostSeriesAsync(server, "s", 4, 3);

        await using var again = await ConnectedClientAsync(server, since: 3);
        Assert.Equal([4, 5, 6], await again.ReceiveIdsAsync(3));
        await PostSeriesAsync(server, "s", 7, 2);
        var (id, data) = await again.ReceiveEventAsync();
        Assert.Equal(7, id);
        Assert.Equal("0.0007", data.GetProperty("cost_usd").GetRawText());
        Assert.Equal(8, (await again.ReceiveEventAsync()).Id);

        // since=0 is "everything retained".
        await using var everything = await ConnectedClientAsync(server, since: 0);
        Assert.Equal(Ids(1, 8), await everything.ReceiveIdsAsync(8));
    }

    [Theory, BothEngines]
    public async Task ReconnectWhileEventsKeepArrivingHasNoGapAndNoDuplicate(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        var twentyPosted = new TaskCompletionSource();
        var posting = Task.Run(async () =>
        {
            for (int i = 1; i <= 80; i++)
            {
                await PostAsync(server, Snapshot("busy", i, $"0.{i:D4}"));
                if (i == 20) twentyPosted.SetResult();
            }
        });
        await twentyPosted.Task;

        // Connects while events 21..80 are being committed: the boundary between replay and live
        // falls somewhere in that stream.
        await using var client = await ConnectedClientAsync(server, since: 10);
        var ids = new List<long>();
        while (ids.Count == 0 || ids[^1] < 80) ids.Add((await client.ReceiveEventAsync()).Id);
        await posting;
        Assert.Equal(Ids(11, 80), ids);

        await PostAsync(server, Snapshot("busy", 81, "0.0081"));
        Assert.Equal(81, (await client.ReceiveEventAsync()).Id);
    }

    [Theory, BothEngines]
    public async Task ReplayStopsAtTheLimitAndKeepsTheNewest(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db, "--Gasometer:Live:ReplayLimit=5");
        await PostSeriesAsync(server, "s", 1, 12);
        // The limit counts what the hub had delivered when the client registered; let it reach 12.
        for (int i = 0; server.Service<LiveHub>().DeliveredId != 12; i++)
        {
            Assert.True(i < 1_000, "the hub never caught up with the log");
            await Task.Delay(10);
        }

        // The first id after since+1 tells the client what it did not get (here 3..7).
        await using var client = await ConnectedClientAsync(server, since: 2);
        Assert.Equal(Ids(8, 12), await client.ReceiveIdsAsync(5));
        await PostSeriesAsync(server, "s", 13, 1);
        Assert.Equal(13, (await client.ReceiveEventAsync()).Id);
    }

    [Theory, BothEngines]
    public async Task SinceThisDatabaseNeverHandedOutGetsLiveEventsOnly(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        await PostSeriesAsync(server, "s", 1, 2);
        // Events 1 and 2 must be delivered before the client registers, or they would reach it live.
        for (int i = 0; server.Service<LiveHub>().DeliveredId != 2; i++)
        {
            Assert.True(i < 1_000, "the hub never caught up with the log");
            await Task.Delay(10);
        }

        await using var client = await ConnectedClientAsync(server, since: 500);
        await PostSeriesAsync(server, "s", 3, 1);
        Assert.Equal(3, (await client.ReceiveEventAsync()).Id);
    }

    [Theory, BothEngines]
    public async Task FeedLogKeepsOnlyTheRetainedEvents(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db, "--Gasometer:Live:RetainedEvents=5", "--Gasometer:Live:ReplayLimit=5");
        var events = Enumerable.Range(0, 1_001).Select(i => Snapshot("many", i, $"{i + 1}"));
        Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest/batch", "[" + string.Join(",", events) + "]")).StatusCode);

        await using var c = await server.Service<Database>().OpenAsync();
        Assert.Equal(Ids(997, 1_001), (await c.QueryAsync<long>("SELECT id FROM feed_events ORDER BY id")).ToList());
        Assert.Equal(1_001, await c.ExecuteScalarAsync<long>("SELECT last_id FROM feed_counter"));
    }

    [Theory, BothEngines]
    public async Task EveryEventOfABatchIsLoggedOnceWhateverInsertShapesItTakes(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var server = await GasometerServer.StartAsync(db);
        // 43 = 32 + 8 + 1 + 1 + 1: every prepared insert shape of the feed log.
        var events = Enumerable.Range(0, 43).Select(i => Snapshot("shapes", i, $"{i + 1}"));
        Assert.Equal(201, (int)(await server.PostJsonAsync("/api/ingest/batch", "[" + string.Join(",", events) + "]")).StatusCode);

        await using var c = await server.Service<Database>().OpenAsync();
        var rows = (await c.QueryAsync<(long Id, string Payload)>("SELECT id, payload FROM feed_events ORDER BY id")).ToList();
        Assert.Equal(Ids(1, 43), rows.Select(r => r.Id).ToList());
        Assert.Equal(43, rows.Select(r => r.Payload).Distinct().Count());
    }

    [Fact]
    public async Task EventPostedToOneInstanceReachesClientsOfAnother()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Postgres);
        await using var a = await GasometerServer.StartAsync(db);
        await using var b = await GasometerServer.StartAsync(db);
        await using var onA = await ConnectedClientAsync(a);
        await using var onB = await ConnectedClientAsync(b);

        await PostAsync(a, Snapshot("from-a", 1, "1.25"));
        await PostAsync(b, Snapshot("from-b", 1, "2.5"));
        await PostAsync(a, Snapshot("from-a", 2, "1.75"));

        var expected = new[] { (1L, "from-a", "1.25"), (2L, "from-b", "2.5"), (3L, "from-a", "0.5") };
        foreach (var client in new[] { onA, onB })
            for (int i = 0; i < 3; i++)
            {
                var (id, data) = await client.ReceiveEventAsync();
                Assert.Equal(expected[i], (id, data.GetProperty("session_id").GetString()!, data.GetProperty("increment_usd").GetRawText()));
            }

        // A client that drops from A and comes back on B catches up from the shared log.
        await onA.CloseAsync();
        await PostAsync(a, Snapshot("from-a", 3, "2"));
        await using var back = await ConnectedClientAsync(b, since: 3);
        Assert.Equal(4, (await back.ReceiveEventAsync()).Id);
        Assert.Equal(4, (await onB.ReceiveEventAsync()).Id);
    }

    [Fact]
    public async Task OnlyTheServersOwnAndConfiguredOriginsMayConnect()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db, "--Gasometer:AllowedOrigins=https://dash.example.com, http://localhost:5173");
        var own = server.Address.GetLeftPart(UriPartial.Authority);

        Assert.Equal(403, await FeedClient.HandshakeStatusAsync(server, "https://evil.example.com"));
        Assert.Equal(403, await FeedClient.HandshakeStatusAsync(server, "null"));
        Assert.Equal(101, await FeedClient.HandshakeStatusAsync(server, own));
        Assert.Equal(101, await FeedClient.HandshakeStatusAsync(server, "https://dash.example.com"));
        Assert.Equal(101, await FeedClient.HandshakeStatusAsync(server, "http://localhost:5173"));
        Assert.Equal(101, await FeedClient.HandshakeStatusAsync(server, null));
    }

    [Fact]
    public async Task ByDefaultOnlyTheSameOriginMayConnect()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);

        Assert.Equal(403, await FeedClient.HandshakeStatusAsync(server, "http://localhost:5173"));
        Assert.Equal(101, await FeedClient.HandshakeStatusAsync(server, server.Address.GetLeftPart(UriPartial.Authority)));
    }

    [Fact]
    public async Task PlainRequestsAndBadSinceAreAnsweredWithErrors()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db);

        var plain = await server.Client.GetAsync("/ws/live");
        Assert.Equal(400, (int)plain.StatusCode);
        Assert.Equal("""{"error":"Expected a WebSocket upgrade"}""", await plain.Content.ReadAsStringAsync());

        var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new UriBuilder(server.Address) { Scheme = "ws", Path = "/ws/live", Query = "since=-1" }.Uri, CancellationToken.None));
        Assert.Equal(400, (int)socket.HttpStatusCode);
    }

    [Fact]
    public async Task PingsKeepReadingClientsAndDropClientsThatNeverAnswer()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var server = await GasometerServer.StartAsync(db, "--Gasometer:Live:KeepAliveSeconds=1");
        await using var silent = await ConnectedClientAsync(server);
        await using var reading = await ConnectedClientAsync(server);
        // A pending receive is what answers the server's pings.
        var next = reading.ReceiveAsync(TimeSpan.FromSeconds(30));

        // The client that never reads answers no ping: dropped after the interval plus the timeout.
        await UntilClientsAsync(server, 1);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, server.Service<LiveHub>().ClientCount);

        await PostAsync(server, Snapshot("still-here", 0, "1"));
        Assert.Contains("\"session_id\":\"still-here\"", await next);
    }

    [Fact]
    public async Task ShutdownClosesClientsWithGoingAway()
    {
        await using var db = await TestDatabase.CreateAsync(Engine.Sqlite);
        var server = await GasometerServer.StartAsync(db);
        await using var client = await ConnectedClientAsync(server);

        var closing = client.ReceiveAsync();
        await server.DisposeAsync();

        Assert.Null(await closing);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        Assert.Equal("server shutting down", client.CloseDescription);
    }
}
