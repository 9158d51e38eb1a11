using System.Net.WebSockets;
using System.Threading.Channels;
using Gasometer.Storage;

namespace Gasometer.Live;

/// <summary>
/// One connected WebSocket client: its bounded send queue and the conversation with it. Sending
/// runs on its own task and reads only this client's queue, so a slow socket delays nobody else;
/// when the queue is full the hub stops the client, which then gets close code 4000 (or, if it
/// cannot even take that frame, a dropped connection) and may reconnect with ?since=.
/// </summary>
public sealed class LiveClient
{
    public const WebSocketCloseStatus QueueOverflowStatus = (WebSocketCloseStatus)4000;
    public const string QueueOverflowReason = "send queue overflow";
    public const WebSocketCloseStatus ShutdownStatus = WebSocketCloseStatus.EndpointUnavailable; // 1001, going away
    public const string ShutdownReason = "server shutting down";

    /// <summary>How long a stopped client may take to finish the message in flight and to answer our close frame.</summary>
    static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    static readonly byte[] Connected = """{"type":"connected","message":"Gasometer live feed"}"""u8.ToArray();
    static long clientCount;

    readonly WebSocket socket;
    readonly CorkedStream? connection;
    readonly Channel<FeedEvent> queue;
    readonly CancellationTokenSource stopping = new();
    readonly CancellationTokenSource abortSend = new();
    readonly Lock gate = new();
    (WebSocketCloseStatus Status, string Reason)? closeWith;

    /// <param name="connection">The stream under the socket when it can gather messages into one write; null sends each alone.</param>
    public LiveClient(WebSocket socket, CorkedStream? connection, int queueLimit, string remote)
    {
        this.socket = socket;
        this.connection = connection;
        // Registered once rather than handing the token to every send: a cancelable token sends the
        // WebSocket down its slow path, a measurable cost at 500,000 messages a second.
        abortSend.Token.Register(socket.Abort);
        QueueLimit = queueLimit;
        Name = $"#{Interlocked.Increment(ref clientCount)} ({remote})";
        queue = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(queueLimit)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of dropping anything silently
        });
    }

    public string Name { get; }
    public int QueueLimit { get; }

    /// <summary>Events up to this id are not sent (the client has them already); set by the hub at registration.</summary>
    public long Floor { get; set; }

    // Guards the hand-over between the hub writing straight to the connection and this client's own
    // sender: events leave in id order whichever of the two sends them.
    readonly Lock sending = new();

    // True while the sender has sent everything and waits: the hub may then write to the connection
    // itself. Waking 1,000 senders per fan-out put 1,000 items on the thread pool at once, and
    // ingest requests queued behind them (the feed's p99); a write that Kestrel takes at once
    // needs no other thread.
    bool idle;

    // The hub's write that Kestrel could not take at once (the client reads slowly); the sender
    // finishes it before it sends anything queued after it.
    Task? unfinished;

    /// <summary>
    /// Called by the hub, one page at a time in id order: written straight to the connection when the
    /// client is idle and the write completes at once, otherwise queued without waiting. False means
    /// the queue is full: the client is too slow.
    /// </summary>
    public bool Offer(ReadOnlySpan<FeedEvent> page)
    {
        while (page.Length > 0 && page[0].Id <= Floor) page = page[1..];
        if (page.IsEmpty) return true;
        lock (sending)
        {
            if (!idle || connection is null || stopping.IsCancellationRequested)
            {
                foreach (var e in page)
                    if (!queue.Writer.TryWrite(e)) return stopping.IsCancellationRequested;
                return true;
            }
            idle = false;
        }
        Task? left = null;
        try
        {
            var write = connection.WriteFramesAsync(page);
            if (!write.IsCompletedSuccessfully) left = write.AsTask();
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            Stop(WebSocketCloseStatus.NormalClosure, "");
            return true;
        }
        lock (sending)
        {
            if (left is null) idle = true;
            else unfinished = left;
        }
        // Observed here so a connection that died under it raises no unobserved-task event; the
        // receiving side notices the end and stops the client.
        left?.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        return true;
    }

    /// <summary>Ends the conversation with the given close frame; the first reason given wins.</summary>
    public void Stop(WebSocketCloseStatus status, string reason)
    {
        lock (gate)
        {
            if (closeWith is not null) return;
            closeWith = (status, reason);
        }
        queue.Writer.TryComplete();
        stopping.Cancel();
        // A message already being written may finish; a socket that takes no bytes at all is dropped.
        abortSend.CancelAfter(CloseGrace);
    }

    /// <summary>
    /// The whole conversation: the connected message, then (with ?since=) what the client missed,
    /// then live events until either side closes. <paramref name="since"/> is the last id the
    /// client saw; null for a fresh client.
    /// </summary>
    public async Task ServeAsync(LiveHub hub, Database database, int replayLimit, long? since, ILogger logger, CancellationToken ct)
    {
        var receiving = ReceiveUntilClosedAsync();
        try
        {
            // An id this database never handed out (a client of another database, or one restored
            // from backup) is ignored: the client gets live events, and sees from their ids that
            // the sequence it knew is gone.
            long? seenUpTo = null;
            if (since is { } s)
            {
                await using var c = await database.OpenAsync(ct);
                if (s <= await FeedLog.LastIdAsync(c, ct)) seenUpTo = s;
            }

            // Registered before the greeting, so every event committed after the client read
            // "connected" reaches it. Every event after `upTo` is queued for this client and every
            // event up to it is read from the log: neither a gap nor a duplicate at the boundary.
            var upTo = await hub.RegisterAsync(this, seenUpTo, ct);
            if (upTo is null)
            {
                Stop(ShutdownStatus, ShutdownReason);
            }
            else
            {
                try
                {
                    await SendAsync(Connected);
                    if (seenUpTo is { } seen && seen < upTo)
                    {
                        List<FeedEvent> missed;
                        await using (var c = await database.OpenAsync(ct))
                            missed = await FeedLog.ReadMissedAsync(c, seen, upTo.Value, replayLimit, ct);
                        await GatheredAsync(async () =>
                        {
                            foreach (var e in missed)
                            {
                                if (stopping.IsCancellationRequested) break;
                                await SendAsync(e);
                            }
                        });
                    }
                    await SendQueuedAsync();
                }
                finally
                {
                    hub.Unregister(this);
                }
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            Stop(WebSocketCloseStatus.NormalClosure, "");
        }
        catch (Exception e)
        {
            // Storage failing while a client catches up: tell it to come back rather than leave it hanging.
            logger.LogWarning(e, "Live client {Client} could not be served", Name);
            Stop(WebSocketCloseStatus.InternalServerError, "server error, reconnect later");
        }
        await CloseAsync(receiving);
    }

    async Task SendQueuedAsync()
    {
        var reader = queue.Reader;
        do
        {
            Task? before;
            lock (sending) (before, unfinished) = (unfinished, null);
            if (before is not null) await before;
            await GatheredAsync(async () =>
            {
                // Everything queued since the last wake-up leaves in one socket write.
                while (!stopping.IsCancellationRequested && reader.TryRead(out var e))
                    await SendAsync(e);
            });
            // Only the hub queues, and only while this is false: with the queue empty it may write itself.
            lock (sending) idle = reader.Count == 0 && unfinished is null;
        }
        while (await reader.WaitToReadAsync(stopping.Token));
    }

    /// <summary>Runs <paramref name="send"/> with the connection corked, so its messages share one socket write.</summary>
    async Task GatheredAsync(Func<Task> send)
    {
        connection?.Cork();
        try
        {
            await send();
        }
        finally
        {
            if (connection is not null) await connection.UncorkAsync(abortSend.Token);
        }
    }

    /// <summary>An event's frame, shared by all clients, goes to the connection as it is; between whole frames, so it never splits one of the WebSocket's own.</summary>
    ValueTask SendAsync(FeedEvent e) => connection is not null ? connection.WriteAsync(e.Frame) : SendAsync(e.Message);

    ValueTask SendAsync(byte[] message) =>
        socket.SendAsync(message.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>
    /// Clients have nothing to say on this feed, but reading keeps pings answered and notices their
    /// close frame or a dropped connection; anything else they send is read and dropped.
    /// </summary>
    async Task ReceiveUntilClosedAsync()
    {
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
        }
        Stop(WebSocketCloseStatus.NormalClosure, "");
    }

    async Task CloseAsync(Task receiving)
    {
        var (status, reason) = closeWith ?? (WebSocketCloseStatus.NormalClosure, "");
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(CloseGrace);
            try { await socket.CloseOutputAsync(status, reason, timeout.Token); }
            catch (Exception e) when (IsConnectionEnd(e)) { }
        }
        // Wait for the client's own close frame, so the connection ends cleanly, but not forever.
        if (await Task.WhenAny(receiving, Task.Delay(CloseGrace)) != receiving) socket.Abort();
        await receiving;
        stopping.Dispose();
        abortSend.Dispose();
    }

    static bool IsConnectionEnd(Exception e) =>
        e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException;
}
