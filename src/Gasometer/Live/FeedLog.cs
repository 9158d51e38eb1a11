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

    const int RowsPerInsert = 500;
    const long PruneEvery = 1_000;

    /// <summary>Runs inside the writer's transaction (registered with <see cref="IngestFeed.Record"/>).</summary>
    public async Task RecordAsync(DbConnection c, DbTransaction tx, IReadOnlyList<AcceptedSnapshot> accepted)
    {
        if (accepted.Count == 0) return;
        var payloads = accepted.Select(Payload).ToList();

        // Taken last, right before commit, so the counter row (and with it every other writer's
        // turn) is held only for these few statements and the commit itself.
        long last = await c.ExecuteScalarAsync<long>(
            "UPDATE feed_counter SET last_id = last_id + @count WHERE singleton = 1 RETURNING last_id",
            new { count = (long)payloads.Count }, tx);
        long first = last - payloads.Count + 1;

        for (int start = 0; start < payloads.Count; start += RowsPerInsert)
        {
            int rows = Math.Min(RowsPerInsert, payloads.Count - start);
            var sql = new StringBuilder("INSERT INTO feed_events (id, payload) VALUES ");
            var parameters = new DynamicParameters();
            for (int i = 0; i < rows; i++)
            {
                if (i > 0) sql.Append(", ");
                sql.Append("(@i").Append(i).Append(", @p").Append(i).Append(')');
                parameters.Add("i" + i, first + start + i);
                parameters.Add("p" + i, payloads[start + i]);
            }
            await c.ExecuteAsync(sql.ToString(), parameters, tx);
        }

        // Keep the log bounded: whenever the ids cross a multiple of PruneEvery, drop what falls out
        // of the retained window (about PruneEvery rows at a time, by primary key).
        if ((first - 1) / PruneEvery != last / PruneEvery && last > settings.RetainedEvents)
            await c.ExecuteAsync("DELETE FROM feed_events WHERE id <= @upTo", new { upTo = last - settings.RetainedEvents }, tx);

        // Delivered by PostgreSQL only when this transaction commits, never for a rolled-back one.
        if (database.Engine == Engine.Postgres)
            await c.ExecuteAsync("SELECT pg_notify(@channel, @id)", new { channel = NotifyChannel, id = last.ToString(System.Globalization.CultureInfo.InvariantCulture) }, tx);
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
