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
    const long MaxTokenCount = 1_000_000_000_000_000; // 1e15: far above any session, far below overflow
    const long MaxSmallCount = int.MaxValue;

    static readonly string[] TokenFields = ["input_tokens", "output_tokens", "cache_read_tokens", "cache_create_tokens"];

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

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
            if (property.Value.ValueKind != JsonValueKind.Null) fields[property.Name] = property.Value;

        int before = problems.Count;
        var sessionId = RequiredText(fields, "session_id", MaxIdLength, problems);
        var role = RequiredText(fields, "role", MaxNameLength, problems);
        var worker = OptionalText(fields, "worker", MaxNameLength, problems);
        var rig = OptionalText(fields, "rig", MaxNameLength, problems);
        var model = OptionalText(fields, "model", MaxNameLength, problems);
        bool computeCost = prices is not null && !fields.ContainsKey("cost_usd") && model is not null
            && TokenFields.Any(fields.ContainsKey);
        var cost = computeCost ? 0 : Cost(fields, problems);
        var endedAt = EndedAt(fields, problems);
        var input = Count(fields, "input_tokens", MaxTokenCount, problems);
        var output = Count(fields, "output_tokens", MaxTokenCount, problems);
        var cacheRead = Count(fields, "cache_read_tokens", MaxTokenCount, problems);
        var cacheCreate = Count(fields, "cache_create_tokens", MaxTokenCount, problems);
        var duration = Count(fields, "duration_sec", MaxSmallCount, problems);
        var beads = Count(fields, "beads_closed", MaxSmallCount, problems);
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

    static string? RequiredText(Dictionary<string, JsonElement> fields, string name, int maxLength, List<ValidationDetail> problems)
    {
        if (!fields.ContainsKey(name))
        {
            problems.Add(new(name, "is required"));
            return null;
        }
        int before = problems.Count;
        var text = OptionalText(fields, name, maxLength, problems);
        if (text is null && problems.Count == before)
            problems.Add(new(name, "must not be empty"));
        return text;
    }

    static string? OptionalText(Dictionary<string, JsonElement> fields, string name, int maxLength, List<ValidationDetail> problems)
    {
        if (!fields.TryGetValue(name, out var value)) return null;
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

    static long? Cost(Dictionary<string, JsonElement> fields, List<ValidationDetail> problems)
    {
        if (!fields.TryGetValue("cost_usd", out var value))
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

    static Instant? EndedAt(Dictionary<string, JsonElement> fields, List<ValidationDetail> problems)
    {
        if (!fields.TryGetValue("ended_at", out var value))
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

    static long? Count(Dictionary<string, JsonElement> fields, string name, long max, List<ValidationDetail> problems)
    {
        if (!fields.TryGetValue(name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var count) || count < 0 || count > max)
        {
            problems.Add(new(name, $"must be a non-negative integer no larger than {max}"));
            return null;
        }
        return count;
    }
}
