using System.Text.Json;
using Gasometer.Money;
using Gasometer.Pricing;
using Gasometer.Time;

namespace Gasometer.Ingest;

/// <summary>One reason an event was rejected: the field and what is wrong with it.</summary>
public sealed record ValidationDetail(string Field, string Message);

/// <summary>
/// Validates one stop-hook event at the edge, with the seed's field names and types. Every problem
/// is reported at once, field by field; unknown fields are ignored and an explicit null on an
/// optional field means the same as leaving it out.
/// </summary>
public static class SnapshotParser
{
    const int MaxIdLength = 256;
    const int MaxNameLength = 128;
    // A trillion tokens in one session's running total is far beyond any real session, and low enough
    // that sums over millions of runs stay within a long (a run's increments add up to its last total).
    const long MaxTokenCount = 1_000_000_000_000;
    const long MaxSmallCount = int.MaxValue;

    /// <summary>
    /// The known fields of one event, read in a single pass over its properties (a dictionary of every
    /// property was a good part of parsing a batch). A null counts as absent; when a name repeats, its
    /// last non-null value wins; unknown names are skipped.
    /// </summary>
    struct Fields
    {
        public JsonElement? SessionId, Role, Worker, Rig, Model, CostUsd, EndedAt;
        public JsonElement? InputTokens, OutputTokens, CacheReadTokens, CacheCreateTokens, DurationSec, BeadsClosed;

        public static Fields Of(JsonElement body)
        {
            var f = new Fields();
            foreach (var property in body.EnumerateObject())
            {
                var value = property.Value;
                if (value.ValueKind == JsonValueKind.Null) continue;
                if (property.NameEquals("session_id"u8)) f.SessionId = value;
                else if (property.NameEquals("role"u8)) f.Role = value;
                else if (property.NameEquals("cost_usd"u8)) f.CostUsd = value;
                else if (property.NameEquals("ended_at"u8)) f.EndedAt = value;
                else if (property.NameEquals("worker"u8)) f.Worker = value;
                else if (property.NameEquals("rig"u8)) f.Rig = value;
                else if (property.NameEquals("model"u8)) f.Model = value;
                else if (property.NameEquals("input_tokens"u8)) f.InputTokens = value;
                else if (property.NameEquals("output_tokens"u8)) f.OutputTokens = value;
                else if (property.NameEquals("cache_read_tokens"u8)) f.CacheReadTokens = value;
                else if (property.NameEquals("cache_create_tokens"u8)) f.CacheCreateTokens = value;
                else if (property.NameEquals("duration_sec"u8)) f.DurationSec = value;
                else if (property.NameEquals("beads_closed"u8)) f.BeadsClosed = value;
            }
            return f;
        }
    }

    /// <summary>
    /// Validates one event. With a price table, an event that leaves out cost_usd but names its model
    /// and token counts is accepted and priced (an addition to the seed, which required cost_usd).
    /// </summary>
    public static CostSnapshot? Parse(JsonElement body, string source, List<ValidationDetail> problems, PriceTable? prices = null)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("body", "must be a JSON object"));
            return null;
        }

        var fields = Fields.Of(body);
        int before = problems.Count;
        var sessionId = RequiredText(fields.SessionId, "session_id", MaxIdLength, problems);
        var role = RequiredText(fields.Role, "role", MaxNameLength, problems);
        var worker = OptionalText(fields.Worker, "worker", MaxNameLength, problems);
        var rig = OptionalText(fields.Rig, "rig", MaxNameLength, problems);
        var model = OptionalText(fields.Model, "model", MaxNameLength, problems);
        bool computeCost = prices is not null && fields.CostUsd is null && model is not null
            && (fields.InputTokens ?? fields.OutputTokens ?? fields.CacheReadTokens ?? fields.CacheCreateTokens) is not null;
        var cost = computeCost ? 0 : Cost(fields.CostUsd, problems);
        var endedAt = EndedAt(fields.EndedAt, problems);
        var input = Count(fields.InputTokens, "input_tokens", MaxTokenCount, problems);
        var output = Count(fields.OutputTokens, "output_tokens", MaxTokenCount, problems);
        var cacheRead = Count(fields.CacheReadTokens, "cache_read_tokens", MaxTokenCount, problems);
        var cacheCreate = Count(fields.CacheCreateTokens, "cache_create_tokens", MaxTokenCount, problems);
        var duration = Count(fields.DurationSec, "duration_sec", MaxSmallCount, problems);
        var beads = Count(fields.BeadsClosed, "beads_closed", MaxSmallCount, problems);
        if (problems.Count > before) return null;

        var snapshot = new CostSnapshot(sessionId!, role!, worker, rig, cost!.Value, endedAt!.Value,
            input, output, cacheRead, cacheCreate, model, duration, beads, source);
        return computeCost ? Priced(snapshot, prices!, problems) : snapshot;
    }

    /// <summary>
    /// Prices a hook's running totals. They add up many requests, so the per-request long-context
    /// tier cannot be told and standard rates apply; cache writes carry no TTL split and count at the
    /// 5-minute rate. A model without a price keeps its usage as a "no data" snapshot marked unpriced.
    /// </summary>
    static CostSnapshot? Priced(CostSnapshot s, PriceTable prices, List<ValidationDetail> problems)
    {
        var usage = new TokenUsage(s.InputTokens ?? 0, s.OutputTokens ?? 0, s.CacheCreateTokens ?? 0, 0, s.CacheReadTokens ?? 0,
            PerRequest: false);
        var quote = prices.Price(s.Model, s.EndedAt.UnixNanos, usage);
        if (quote.Nanos is not { } nanos) return s with { CostNanos = 0, CostOrigin = CostOrigin.Unpriced };
        if (nanos > Usd.ToNanos(Usd.MaxSnapshotDollars))
        {
            problems.Add(new("cost_usd", $"computed from the token counts exceeds {Usd.MaxSnapshotDollars}"));
            return null;
        }
        return s with { CostNanos = nanos, CostOrigin = CostOrigin.Computed, ComputedCostNanos = nanos };
    }

    static string? RequiredText(JsonElement? field, string name, int maxLength, List<ValidationDetail> problems)
    {
        if (field is null)
        {
            problems.Add(new(name, "is required"));
            return null;
        }
        int before = problems.Count;
        var text = OptionalText(field, name, maxLength, problems);
        if (text is null && problems.Count == before)
            problems.Add(new(name, "must not be empty"));
        return text;
    }

    static string? OptionalText(JsonElement? field, string name, int maxLength, List<ValidationDetail> problems)
    {
        if (field is not { } value) return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(new(name, "must be a string"));
            return null;
        }
        if (!TryGetText(value, out var raw))
        {
            problems.Add(new(name, "must be valid Unicode text (no lone surrogates or invalid UTF-8)"));
            return null;
        }
        var text = raw.Trim();
        if (text.Length > maxLength)
        {
            problems.Add(new(name, $"must be at most {maxLength} characters"));
            return null;
        }
        if (text.Any(char.IsControl))
        {
            problems.Add(new(name, "must not contain control characters"));
            return null;
        }
        return text.Length == 0 ? null : text;
    }

    static long? Cost(JsonElement? field, List<ValidationDetail> problems)
    {
        if (field is not { } value)
        {
            problems.Add(new("cost_usd", "is required"));
            return null;
        }
        // Read the number's own digits as a decimal: a double would already have lost exactness.
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var dollars))
        {
            problems.Add(new("cost_usd", "must be a number"));
            return null;
        }
        if (dollars < 0 || dollars > Usd.MaxSnapshotDollars)
        {
            problems.Add(new("cost_usd", $"must be between 0 and {Usd.MaxSnapshotDollars}"));
            return null;
        }
        return Usd.ToNanos(dollars);
    }

    static Instant? EndedAt(JsonElement? field, List<ValidationDetail> problems)
    {
        if (field is not { } value)
        {
            problems.Add(new("ended_at", "is required"));
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(new("ended_at", "must be a string"));
            return null;
        }
        if (!TryGetText(value, out var raw))
        {
            problems.Add(new("ended_at", "must be valid Unicode text (no lone surrogates or invalid UTF-8)"));
            return null;
        }
        if (!Instant.TryParse(raw.Trim(), out var instant, out var problem))
        {
            problems.Add(new("ended_at", problem));
            return null;
        }
        return instant;
    }

    /// <summary>
    /// The string's text, or false when it cannot be text: System.Text.Json accepts a lone surrogate
    /// escape (\ud800) or invalid UTF-8 in a string while parsing and only refuses when it is read.
    /// </summary>
    static bool TryGetText(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    static long? Count(JsonElement? field, string name, long max, List<ValidationDetail> problems)
    {
        if (field is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var count) || count < 0 || count > max)
        {
            problems.Add(new(name, $"must be a non-negative integer no larger than {max}"));
            return null;
        }
        return count;
    }
}
