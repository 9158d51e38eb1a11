using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Gasometer.Ingest;
using Gasometer.Money;
using Gasometer.Time;

namespace Gasometer.Demo;

/// <summary>
/// Writes snapshots as the JSON body a Gas Town stop hook posts, one per line (costs.jsonl):
/// the seed's field names, cost_usd in exact decimal dollars, ended_at in the sender's local offset
/// with nanoseconds. What the server parses back is the same snapshot.
/// </summary>
public static class StopHookLines
{
    public static void Write(Utf8JsonWriter json, CostSnapshot s)
    {
        json.WriteStartObject();
        json.WriteString("session_id", s.SessionId);
        json.WriteString("role", s.Role);
        if (s.Rig is not null) json.WriteString("rig", s.Rig);
        if (s.Worker is not null) json.WriteString("worker", s.Worker);
        json.WriteNumber("cost_usd", Usd.FromNanos(s.CostNanos));
        json.WriteString("ended_at", LocalTime(s.EndedAt));
        if (s.InputTokens is { } input) json.WriteNumber("input_tokens", input);
        if (s.OutputTokens is { } output) json.WriteNumber("output_tokens", output);
        if (s.CacheReadTokens is { } read) json.WriteNumber("cache_read_tokens", read);
        if (s.CacheCreateTokens is { } create) json.WriteNumber("cache_create_tokens", create);
        if (s.Model is not null) json.WriteString("model", s.Model);
        if (s.DurationSec is { } duration) json.WriteNumber("duration_sec", duration);
        if (s.BeadsClosed is { } beads) json.WriteNumber("beads_closed", beads);
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes each snapshot followed by a newline. Lines gather in a small buffer that is handed to
    /// the stream whenever it passes 64 KB, so memory stays flat however many events stream past.
    /// </summary>
    public static long WriteAll(Stream output, IEnumerable<CostSnapshot> snapshots, Action<long>? progress = null)
    {
        const int FlushAt = 64 * 1024;
        var buffer = new ArrayBufferWriter<byte>(FlushAt * 2);
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        long count = 0;
        foreach (var s in snapshots)
        {
            Write(json, s);
            json.Flush();
            json.Reset();
            buffer.Write("\n"u8);
            if (buffer.WrittenCount >= FlushAt)
            {
                output.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }
            if (++count % 100_000 == 0) progress?.Invoke(count);
        }
        output.Write(buffer.WrittenSpan);
        output.Flush();
        return count;
    }

    /// <summary>RFC 3339 in the offset the instant was written with, e.g. 2026-03-07T09:12:44.518203114-05:00.</summary>
    public static string LocalTime(Instant at)
    {
        long seconds = Math.DivRem(at.UnixNanos, Instant.NanosPerSecond, out long fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += Instant.NanosPerSecond;
        }
        var local = DateTime.UnixEpoch.AddSeconds(seconds + at.OffsetMinutes * 60L);
        var text = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (fraction != 0) text += "." + fraction.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        if (at.OffsetMinutes == 0) return text + "Z";
        int minutes = Math.Abs((int)at.OffsetMinutes);
        return text + (at.OffsetMinutes < 0 ? "-" : "+") + (minutes / 60).ToString("D2", CultureInfo.InvariantCulture)
            + ":" + (minutes % 60).ToString("D2", CultureInfo.InvariantCulture);
    }
}
