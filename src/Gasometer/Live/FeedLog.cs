using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;
using Gasometer.Ingest;
using Gasometer.Money;
using Gasometer.Storage;

namespace Gasometer.Live;

/// <summary>One message of the live feed: its id and the UTF-8 bytes every client is sent, built once.</summary>
public sealed record FeedEvent(long Id, byte[] Message)
{
    byte[]? frame;

    /// <summary>
    /// The message as one WebSocket text frame, built once and written as it is to every client
    /// (<see cref="WebSocketFrame"/>): framing it per client was a third of the feed's cost.
    /// </summary>
    public byte[] Frame => frame ??= WebSocketFrame.Text(Message); // two threads building it build the same bytes

    static readonly byte[] Head = """{"type":"cost_event","id":"""u8.ToArray();
    static readonly byte[] DataKey = ""","data":"""u8.ToArray();

    public static FeedEvent From(long id, string payload)
    {
        var digits = Encoding.ASCII.GetBytes(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var message = new byte[Head.Length + digits.Length + DataKey.Length + Encoding.UTF8.GetByteCount(payload) + 1];
        var span = message.AsSpan();
        Head.CopyTo(span);
        digits.CopyTo(span[Head.Length..]);
        DataKey.CopyTo(span[(Head.Length + digits.Length)..]);
        int written = Encoding.UTF8.GetBytes(payload, span[(Head.Length + digits.Length + DataKey.Length)..]);
        message[^1] = (byte)'}';
        System.Diagnostics.Debug.Assert(Head.Length + digits.Length + DataKey.Length + written + 1 == message.Length);
        return new FeedEvent(id, message);
    }
}

/// <summary>
/// The live feed's log (table feed_events). Rows are written inside the ingest transaction, so an
/// event exists exactly when its snapshot does; ids come from the single-row feed_counter, which
/// makes them consecutive and visible in commit order on both engines and across PostgreSQL
/// instances. Every server process tails this log and fans out what it reads, and a reconnecting
/// client's missed events are read from it.
/// </summary>
public sealed class FeedLog(Database database, LiveFeedSettings settings)
{
    /// <summary>The PostgreSQL NOTIFY channel. The payload is only the newest feed id (a few bytes, far under
    /// NOTIFY's 8,000-byte limit); listeners read the rows themselves.</summary>
    public const string NotifyChannel = "gasometer_feed";

    /// <summary>Rows per insert statement, largest first: a write's rows go in as few statements as these make.</summary>
    static readonly int[] InsertShapes = [32, 8, 1];
    const long PruneEvery = 1_000;

    const string AdvanceCounterSql = "UPDATE feed_counter SET last_id = last_id + @count WHERE singleton = 1 RETURNING last_id";
    const string PruneSql = "DELETE FROM feed_events WHERE id <= @upTo";
    const string NotifySql = "SELECT pg_notify(@channel, @id)";
    static readonly string[] InsertSqls = [.. InsertShapes.Select(InsertSql)];
    static readonly string[][] InsertNameLists = [.. InsertShapes.Select(InsertNames)];

    static string InsertSql(int rows) =>
        "INSERT INTO feed_events (id, payload) VALUES " + string.Join(", ", Enumerable.Range(0, rows).Select(i => $"(@i{i}, @p{i})"));

    static string[] InsertNames(int rows) => [.. Enumerable.Range(0, rows).SelectMany(i => new[] { "i" + i, "p" + i })];

    /// <summary>
    /// Runs inside the writer's transaction (registered with <see cref="IngestFeed.Record"/>). Its statements
    /// are the connection's prepared ones (<see cref="LedgerCommands.Prepared"/>): rows go in the fixed groups of
    /// <see cref="InsertShapes"/>, so there are three statement shapes to prepare, not one per batch size, a
    /// small group commit of ten events takes three inserts rather than ten, and few enough parameters per
    /// statement that binding them by name stays cheap.
    /// </summary>
    public async Task RecordAsync(DbConnection c, DbTransaction tx, IReadOnlyList<AcceptedSnapshot> accepted)
    {
        if (accepted.Count == 0) return;
        var payloads = accepted.Select(Payload).ToList();
        var commands = LedgerCommands.Of(c, tx);

        // Taken last, right before commit, so the counter row (and with it every other writer's
        // turn) is held only for these few statements and the commit itself.
        var advance = commands.Prepared(AdvanceCounterSql, "count");
        advance.Set(0, (long)payloads.Count);
        long last = Convert.ToInt64(await advance.ExecuteScalarAsync());
        long first = last - payloads.Count + 1;

        int start = 0;
        for (int shape = 0; shape < InsertShapes.Length; shape++)
            for (int rows = InsertShapes[shape]; payloads.Count - start >= rows; start += rows)
                await InsertAsync(commands.Prepared(InsertSqls[shape], InsertNameLists[shape]), first, payloads, start, rows);

        // Keep the log bounded: whenever the ids cross a multiple of PruneEvery, drop what falls out
        // of the retained window (about PruneEvery rows at a time, by primary key).
        if ((first - 1) / PruneEvery != last / PruneEvery && last > settings.RetainedEvents)
        {
            var prune = commands.Prepared(PruneSql, "upTo");
            prune.Set(0, last - settings.RetainedEvents);
            await prune.ExecuteNonQueryAsync();
        }

        // Delivered by PostgreSQL only when this transaction commits, never for a rolled-back one.
        if (database.Engine == Engine.Postgres)
        {
            var notify = commands.Prepared(NotifySql, "channel", "id");
            notify.Set(0, NotifyChannel);
            notify.Set(1, last.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await notify.ExecuteNonQueryAsync();
        }
    }

    static async Task InsertAsync(PreparedStatement insert, long firstId, List<string> payloads, int start, int rows)
    {
        for (int i = 0; i < rows; i++)
        {
            insert.Set(2 * i, firstId + start + i);
            insert.Set(2 * i + 1, payloads[start + i]);
        }
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>The newest id handed out; every id up to it is committed.</summary>
    public static async Task<long> LastIdAsync(DbConnection c, CancellationToken ct = default) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT last_id FROM feed_counter WHERE singleton = 1", cancellationToken: ct));

    /// <summary>The oldest events after <paramref name="afterId"/>, in id order: what a tailing server reads next.</summary>
    public static async Task<List<FeedEvent>> ReadAfterAsync(DbConnection c, long afterId, int limit, CancellationToken ct = default)
    {
        var rows = await c.QueryAsync<(long Id, string Payload)>(new CommandDefinition(
            "SELECT id, payload FROM feed_events WHERE id > @afterId ORDER BY id LIMIT @limit",
            new { afterId, limit = (long)limit }, cancellationToken: ct));
        return rows.Select(r => FeedEvent.From(r.Id, r.Payload)).ToList();
    }

    /// <summary>
    /// A reconnecting client's missed events in (afterId, upToId], in id order; when more than
    /// <paramref name="limit"/> were missed, only the newest <paramref name="limit"/>.
    /// </summary>
    public static async Task<List<FeedEvent>> ReadMissedAsync(DbConnection c, long afterId, long upToId, int limit, CancellationToken ct = default)
    {
        var rows = await c.QueryAsync<(long Id, string Payload)>(new CommandDefinition(
            "SELECT id, payload FROM feed_events WHERE id > @afterId AND id <= @upToId ORDER BY id DESC LIMIT @limit",
            new { afterId, upToId, limit = (long)limit }, cancellationToken: ct));
        return rows.Reverse().Select(r => FeedEvent.From(r.Id, r.Payload)).ToList();
    }

    /// <summary>
    /// The message's "data": the ingest body's fields as stored (times in UTC), plus what the
    /// dashboard needs to show the event without another request. Money is exact decimal dollars.
    /// </summary>
    public static string Payload(AcceptedSnapshot accepted)
    {
        var s = accepted.Snapshot;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("session_id", s.SessionId);
            w.WriteString("role", s.Role);
            WriteText(w, "worker", s.Worker);
            WriteText(w, "rig", s.Rig);
            w.WriteNumber("cost_usd", Usd.FromNanos(s.CostNanos));
            WriteCount(w, "input_tokens", s.InputTokens);
            WriteCount(w, "output_tokens", s.OutputTokens);
            WriteCount(w, "cache_read_tokens", s.CacheReadTokens);
            WriteCount(w, "cache_create_tokens", s.CacheCreateTokens);
            WriteText(w, "model", s.Model);
            WriteCount(w, "duration_sec", s.DurationSec);
            WriteCount(w, "beads_closed", s.BeadsClosed);
            w.WriteString("ended_at", s.EndedAt.ToUtcString());
            w.WriteNumber("increment_usd", Usd.FromNanos(accepted.Placement.IncrementNanos));
            // Run 0 is a "no data" snapshot that precedes every run of its session: it belongs to no run.
            if (accepted.Placement.RunNo == 0)
            {
                w.WriteNull("run");
                w.WriteNull("run_total_usd");
            }
            else
            {
                w.WriteNumber("run", accepted.Placement.RunNo);
                w.WriteNumber("run_total_usd", Usd.FromNanos(accepted.RunCostNanos));
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    static void WriteText(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    static void WriteCount(Utf8JsonWriter w, string name, long? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteNumber(name, value.Value);
    }
}
