using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using Gasometer.Ingest;
using Gasometer.Storage;
using Npgsql;

namespace Gasometer.Live;

/// <summary>
/// The fan-out point of one server process. A single loop tails the feed log in id order and hands
/// each event to every connected client's bounded queue; it never waits for a client, so a slow one
/// only overflows its own queue. The loop is woken after every local commit (IngestFeed), by
/// PostgreSQL NOTIFY for commits on other instances, and every few seconds as a safety net. Because
/// it always reads the log after the last id it delivered, and ids become visible in order, every
/// client sees every event once, in id order, whichever instance wrote it.
/// </summary>
public sealed class LiveHub(Database database, IngestFeed ingestFeed, IHostApplicationLifetime lifetime, ILogger<LiveHub> logger)
    : BackgroundService
{
    const int PageSize = 1_000;
    static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(5);
    static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    static readonly TimeSpan ListenerPing = TimeSpan.FromSeconds(30);

    /// <summary>
    /// At most one fan-out per this interval. A quiet feed is sent at once; a busy one gathers the
    /// commits of a few milliseconds, so each client's sender wakes once for several messages
    /// instead of once per commit (with 1,000 clients, wake-ups dominate the cost of the feed).
    /// bench/live at 1,000 clients and 500 events/s: 10 ms left the server 1.1 cores and a p99 of
    /// 190 to 240 ms, 25 ms 0.9 cores and 125 to 140 ms, 50 ms 0.7 cores but bursts of 1,000
    /// wake-ups that pushed it to 200 ms.
    /// </summary>
    static readonly TimeSpan FanOutInterval = TimeSpan.FromMilliseconds(25);

    readonly Lock gate = new();
    readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    LiveClient[] clients = [];
    long delivered;
    bool closed;
    DbConnection? tailConnection;

    /// <summary>Clients currently receiving the feed.</summary>
    public int ClientCount => Volatile.Read(ref clients).Length;

    /// <summary>The newest id this process has handed to its clients.</summary>
    public long DeliveredId
    {
        get { lock (gate) return delivered; }
    }

    /// <summary>Asks the tailing loop to read the log now; cheap, never blocks, repeated calls coalesce.</summary>
    public void Wake() => wake.Writer.TryWrite(true);

    /// <summary>
    /// Adds a client. It will be offered every event after the returned id (the newest this process
    /// has delivered), and none at or below <paramref name="seenUpTo"/> when that is higher.
    /// Returns null when the server is shutting down.
    /// </summary>
    public async Task<long?> RegisterAsync(LiveClient client, long? seenUpTo, CancellationToken ct)
    {
        await ready.Task.WaitAsync(ct);
        lock (gate)
        {
            if (closed) return null;
            client.Floor = Math.Max(delivered, seenUpTo ?? delivered);
            clients = [.. clients, client];
            return delivered;
        }
    }

    public void Unregister(LiveClient client)
    {
        lock (gate) clients = clients.Where(c => c != client).ToArray();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = ingestFeed.Subscribe(_ => Wake());
        using var closeOnStop = lifetime.ApplicationStopping.Register(CloseAll);
        try
        {
            await StartFromNewestAsync(stoppingToken);
            var listening = database.Engine == Engine.Postgres ? ListenAsync(stoppingToken) : Task.CompletedTask;
            await TailAsync(stoppingToken);
            await listening;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (tailConnection is not null) await tailConnection.DisposeAsync();
        }
    }

    /// <summary>A new process announces only what commits after it started; history is for ?since=.</summary>
    async Task StartFromNewestAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await using var c = await database.OpenAsync(ct);
                long newest = await FeedLog.LastIdAsync(c, ct);
                lock (gate) delivered = newest;
                ready.TrySetResult();
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Live feed cannot read the feed log yet; retrying");
                await Task.Delay(RetryDelay, ct);
            }
        }
    }

    async Task TailAsync(CancellationToken ct)
    {
        long lastFanOut = 0;
        while (!ct.IsCancellationRequested)
        {
            using (var poll = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                poll.CancelAfter(SafetyPoll);
                try { await wake.Reader.WaitToReadAsync(poll.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
            }
            var sinceLast = Stopwatch.GetElapsedTime(lastFanOut);
            if (sinceLast < FanOutInterval) await Task.Delay(FanOutInterval - sinceLast, ct);
            wake.Reader.TryRead(out _);
            lastFanOut = Stopwatch.GetTimestamp();
            try
            {
                await CatchUpAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Live feed could not read the feed log; retrying");
                if (tailConnection is not null) await tailConnection.DisposeAsync();
                tailConnection = null;
                await Task.Delay(RetryDelay, ct);
                Wake();
            }
        }
    }

    async Task CatchUpAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref clients).Length == 0 && await SkipUnwatchedAsync(ct)) return;
        while (true)
        {
            tailConnection ??= await database.OpenAsync(ct);
            // Only this loop moves `delivered`, so reading it here without the lock is safe.
            var page = await FeedLog.ReadAfterAsync(tailConnection, Volatile.Read(ref delivered), PageSize, ct);
            if (page.Count == 0) return;
            Broadcast(page);
            if (page.Count < PageSize) return;
        }
    }

    /// <summary>
    /// With nobody connected (the usual case), moves past the newest id without reading the payloads
    /// nobody would be sent. Decided under the lock, so a client registering meanwhile either finds the
    /// new position (and gets anything before it through ?since=) or makes this read the log as usual.
    /// </summary>
    async Task<bool> SkipUnwatchedAsync(CancellationToken ct)
    {
        tailConnection ??= await database.OpenAsync(ct);
        long newest = await FeedLog.LastIdAsync(tailConnection, ct);
        lock (gate)
        {
            if (clients.Length > 0) return false;
            delivered = Math.Max(delivered, newest);
            return true;
        }
    }

    void Broadcast(List<FeedEvent> page)
    {
        List<LiveClient>? overflowed = null;
        lock (gate)
        {
            int start = page.FindIndex(e => e.Id > delivered);
            if (start < 0) return;
            var fresh = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(page)[start..];
            delivered = fresh[^1].Id;
            // Client by client, so each sender finds the whole page queued when it wakes and sends it in one write.
            foreach (var client in clients)
                if (!client.Offer(fresh))
                    (overflowed ??= []).Add(client);
            if (overflowed is not null) clients = clients.Except(overflowed).ToArray();
        }
        if (overflowed is null) return;
        foreach (var client in overflowed)
        {
            logger.LogInformation("Live client {Client} fell {Limit} messages behind; disconnecting it", client.Name, client.QueueLimit);
            client.Stop(LiveClient.QueueOverflowStatus, LiveClient.QueueOverflowReason);
        }
    }

    /// <summary>On application stopping every client gets a close frame (1001, going away) and no new one is let in.</summary>
    void CloseAll()
    {
        LiveClient[] all;
        lock (gate)
        {
            closed = true;
            all = clients;
            clients = [];
        }
        foreach (var client in all) client.Stop(LiveClient.ShutdownStatus, LiveClient.ShutdownReason);
    }

    /// <summary>
    /// One listening connection per process for commits made by other instances. NOTIFY carries only
    /// the newest id, so payload size never matters; a lost connection is reopened, and the log is
    /// read right after every (re)LISTEN, so nothing committed while not listening is missed.
    /// </summary>
    async Task ListenAsync(CancellationToken ct)
    {
        var delay = RetryDelay;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await database.OpenAsync(ct);
                connection.Notification += (_, _) => Wake();
                await connection.ExecuteAsync($"LISTEN {FeedLog.NotifyChannel}");
                Wake();
                delay = RetryDelay;
                while (true)
                {
                    // A quiet connection is checked with a round trip, so a dead one is noticed and reopened.
                    if (!await connection.WaitAsync(ListenerPing, ct))
                        await connection.ExecuteAsync("SELECT 1");
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Live feed lost its PostgreSQL LISTEN connection; reconnecting in {Delay}", delay);
                try { await Task.Delay(delay, ct); }
                catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
