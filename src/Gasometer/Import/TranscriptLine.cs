using System.Text.Json;

namespace Gasometer.Import;

/// <summary>
/// What Gasometer needs from one Claude Code transcript line. Usage lives on assistant lines as
/// message.usage; everything else (message content, tool results) is stepped over without being
/// copied, but the whole line is still checked to be valid JSON so a truncated line is noticed.
/// </summary>
public struct TranscriptLine
{
    public bool IsAssistant;
    public bool HasUsage;
    public long? TimestampNs;
    public string? SessionId;
    public string? Cwd;
    public string? RequestId;
    public decimal? CostUsd;
    public string? MessageId;
    public string? Model;
    public long Input, Output, CacheWrite, CacheWrite5m, CacheWrite1h, CacheRead, WebSearches;
    public bool HasTtlSplit;
    public bool Fast;

    /// <summary>
    /// Reads a line; false when it is not one whole JSON object. <paramref name="wantCwd"/> is false
    /// once the file's working folder is known, which spares a string per line.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, bool wantCwd, out TranscriptLine line)
    {
        line = default;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8)) { reader.Read(); line.IsAssistant = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("assistant"u8); }
                else if (reader.ValueTextEquals("timestamp"u8)) { reader.Read(); line.TimestampNs = Timestamp(ref reader); }
                else if (reader.ValueTextEquals("sessionId"u8)) { reader.Read(); line.SessionId = Text(ref reader); }
                else if (reader.ValueTextEquals("requestId"u8)) { reader.Read(); line.RequestId = Text(ref reader); }
                else if (reader.ValueTextEquals("costUSD"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var usd) && usd >= 0) line.CostUsd = usd;
                }
                else if (wantCwd && reader.ValueTextEquals("cwd"u8)) { reader.Read(); line.Cwd = Text(ref reader); }
                else if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject) ReadMessage(ref reader, ref line);
                    else reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject) return false;
            // Anything after the object (two objects on one line, a torn write) makes the line unusable.
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false; // a token of the wrong kind where a text belongs
        }
        catch (FormatException)
        {
            return false; // a token count that is not one
        }
    }

    static void ReadMessage(ref Utf8JsonReader reader, ref TranscriptLine line)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8)) { reader.Read(); line.MessageId = Text(ref reader); }
            else if (reader.ValueTextEquals("model"u8)) { reader.Read(); line.Model = Text(ref reader); }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    line.HasUsage = true;
                    ReadUsage(ref reader, ref line);
                }
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    static void ReadUsage(ref Utf8JsonReader reader, ref TranscriptLine line)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8)) { reader.Read(); line.Input = Count(ref reader); }
            else if (reader.ValueTextEquals("output_tokens"u8)) { reader.Read(); line.Output = Count(ref reader); }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8)) { reader.Read(); line.CacheWrite = Count(ref reader); }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8)) { reader.Read(); line.CacheRead = Count(ref reader); }
            else if (reader.ValueTextEquals("speed"u8)) { reader.Read(); line.Fast = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("fast"u8); }
            else if (reader.ValueTextEquals("cache_creation"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("ephemeral_5m_input_tokens"u8)) { reader.Read(); line.CacheWrite5m = Count(ref reader); line.HasTtlSplit = true; }
                    else if (reader.ValueTextEquals("ephemeral_1h_input_tokens"u8)) { reader.Read(); line.CacheWrite1h = Count(ref reader); line.HasTtlSplit = true; }
                    else { reader.Read(); reader.Skip(); }
                }
            }
            else if (reader.ValueTextEquals("server_tool_use"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("web_search_requests"u8)) { reader.Read(); line.WebSearches = Count(ref reader); }
                    else { reader.Read(); reader.Skip(); }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// Far above one API response (a context window is at most a few million tokens), and low enough
    /// that no price or sum of them can overflow.
    /// </summary>
    const long MaxPerResponse = 10_000_000_000;

    /// <summary>
    /// A token count: absent or null is 0; anything but a whole number from 0 to <see cref="MaxPerResponse"/>
    /// makes the line unreadable (skipped and reported), never a silent 0 that would under-count.
    /// </summary>
    static long Count(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return 0;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) && n is >= 0 and <= MaxPerResponse) return n;
        throw new FormatException("a token count that is not a whole number from 0 to " + MaxPerResponse);
    }

    static string? Text(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    static long? Timestamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var at)) return null;
        return (at.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
    }

    /// <summary>
    /// Cache writes split by lifetime; when a line does not split them, all count at the 5-minute rate.
    /// When the split is present but does not add up to the total, the remainder is taken as 5-minute writes.
    /// </summary>
    public readonly (long FiveMinute, long OneHour) CacheWrites =>
        !HasTtlSplit ? (CacheWrite, 0)
        : (Math.Max(CacheWrite - CacheWrite1h, CacheWrite5m), CacheWrite1h);
}
