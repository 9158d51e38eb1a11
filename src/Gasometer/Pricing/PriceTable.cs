using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gasometer.Money;

namespace Gasometer.Pricing;

/// <summary>Rates in USD per million tokens.</summary>
public sealed record Rates(decimal Input, decimal Output, decimal CacheWrite5m, decimal CacheWrite1h, decimal CacheRead);

/// <summary>One model's rates from a date on, with where they were read.</summary>
public sealed record PricePeriod(
    DateOnly EffectiveFrom,
    string Source,
    Rates Standard,
    long? LongContextAboveTokens,
    Rates? LongContext,
    decimal? FastMultiplier);

/// <summary>A model the table can price: its id, the other spellings of it, and its price history.</summary>
public sealed record ModelPrices(string Id, IReadOnlyList<string> Aliases, IReadOnlyList<PricePeriod> Periods)
{
    /// <summary>The rates in force at an instant; before the first period, the first (a response cannot predate its model, a clock can).</summary>
    public PricePeriod At(long unixNanos)
    {
        var day = DateOnly.FromDateTime(DateTime.UnixEpoch.AddTicks(unixNanos / 100));
        var chosen = Periods[0];
        foreach (var p in Periods)
            if (p.EffectiveFrom <= day) chosen = p;
        return chosen;
    }
}

/// <summary>
/// The price table shared by ingest and the importers: the versioned file embedded in the program
/// (Pricing/prices.json), optionally overlaid by a user file of the same shape named by the
/// configuration setting Gasometer:PricesPath. Money is computed exactly in decimal and rounded
/// once per priced usage to whole nano-dollars.
/// </summary>
public sealed class PriceTable
{
    public const string OverrideSetting = "Gasometer:PricesPath";
    const decimal NanosPerMillionthDollar = 1000m; // tokens x USD-per-million x 1000 = nano-dollars

    readonly Dictionary<string, ModelPrices> bySpelling = new(StringComparer.Ordinal);

    PriceTable(string version, string source, decimal webSearchUsd, IReadOnlyList<ModelPrices> models)
    {
        Version = version;
        Source = source;
        WebSearchUsd = webSearchUsd;
        Models = models;
        foreach (var m in models)
            foreach (var spelling in m.Aliases.Prepend(m.Id))
                bySpelling[ModelId.Normalize(spelling)] = m;
    }

    public string Version { get; }
    public string Source { get; }
    public decimal WebSearchUsd { get; }
    public IReadOnlyList<ModelPrices> Models { get; }

    static readonly Lazy<PriceTable> BuiltIn = new(() =>
    {
        var assembly = typeof(PriceTable).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Pricing.prices.json", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        return Load(stream, "built-in price table");
    });

    /// <summary>The table shipped with this version of Gasometer.</summary>
    public static PriceTable Default => BuiltIn.Value;

    /// <summary>The built-in table, overlaid by the file named in <see cref="OverrideSetting"/> when set.</summary>
    public static PriceTable FromConfiguration(IConfiguration configuration)
    {
        var path = configuration[OverrideSetting];
        if (string.IsNullOrWhiteSpace(path)) return Default;
        using var stream = OpenOverride(path);
        return Default.WithOverrides(Load(stream, path));
    }

    static FileStream OpenOverride(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PriceTableException($"Cannot read the price file {path} ({OverrideSetting}): {e.Message}");
        }
    }

    /// <summary>
    /// This table with the other's models added; a model the other names (by id or alias) replaces
    /// this table's entry for that model entirely, so a user's rates are never mixed with ours.
    /// </summary>
    public PriceTable WithOverrides(PriceTable overrides)
    {
        var replaced = new HashSet<ModelPrices>(ReferenceEqualityComparer.Instance);
        foreach (var m in overrides.Models)
            foreach (var spelling in m.Aliases.Prepend(m.Id))
                if (Find(spelling) is { } ours) replaced.Add(ours);
        var models = Models.Where(m => !replaced.Contains(m)).Concat(overrides.Models).ToList();
        return new PriceTable($"{Version}+{overrides.Version}", $"{Source}; overridden by {overrides.Source}",
            overrides.webSearchGiven ? overrides.WebSearchUsd : WebSearchUsd, models);
    }

    bool webSearchGiven = true;

    /// <summary>The table entry for a model id in any of its spellings, or null when it has none.</summary>
    public ModelPrices? Find(string model)
    {
        foreach (var candidate in ModelId.Candidates(model))
            if (bySpelling.TryGetValue(candidate, out var m)) return m;
        return null;
    }

    /// <summary>Prices usage of one model at an instant; unknown models and impossible combinations get no price.</summary>
    public PriceQuote Price(string? model, long atUnixNanos, TokenUsage usage)
    {
        if (string.IsNullOrWhiteSpace(model)) return PriceQuote.NoPrice("no model");
        var entry = Find(model);
        if (entry is null) return PriceQuote.NoPrice($"no price for model {model}");
        var period = entry.At(atUnixNanos);

        var rates = period.Standard;
        if (usage.PerRequest && period.LongContextAboveTokens is { } threshold && period.LongContext is { } premium
            && usage.PromptTokens > threshold)
            rates = premium; // the whole request, every token type, at the long-context rates

        decimal tokenNanos =
            (usage.Input * rates.Input + usage.Output * rates.Output + usage.CacheWrite5m * rates.CacheWrite5m
             + usage.CacheWrite1h * rates.CacheWrite1h + usage.CacheRead * rates.CacheRead) * NanosPerMillionthDollar;
        if (usage.Fast)
        {
            if (period.FastMultiplier is not { } multiplier)
                return PriceQuote.NoPrice($"no fast-mode price for model {model}");
            tokenNanos *= multiplier;
        }
        decimal searchNanos = usage.WebSearches * WebSearchUsd * Usd.NanosPerDollar;
        decimal nanos = decimal.Round(tokenNanos + searchNanos, 0, MidpointRounding.AwayFromZero);
        // Absurd token counts can price past what a long holds: saturate, so the caller's own
        // ceiling (a snapshot's $1,000,000) rejects them rather than a conversion overflowing.
        return PriceQuote.Of(nanos >= long.MaxValue ? long.MaxValue : (long)nanos, entry.Id);
    }

    /// <summary>Reads a table (the built-in file or a user's override) and checks it, naming the first problem found.</summary>
    public static PriceTable Load(Stream json, string origin)
    {
        FileShape? file;
        try
        {
            file = JsonSerializer.Deserialize<FileShape>(json, FileOptions);
        }
        catch (JsonException e)
        {
            throw new PriceTableException($"Price file {origin} is not valid: {e.Message}");
        }
        if (file?.Models is null) throw new PriceTableException($"Price file {origin} has no \"models\" list");

        var models = new List<ModelPrices>();
        foreach (var (m, i) in file.Models.Select((m, i) => (m, i)))
        {
            string where = $"Price file {origin}, models[{i}]";
            if (string.IsNullOrWhiteSpace(m.Id)) throw new PriceTableException($"{where} has no \"id\"");
            if (m.Prices is null || m.Prices.Count == 0) throw new PriceTableException($"{where} ({m.Id}) has no \"prices\"");
            var periods = m.Prices.Select((p, j) => p.ToPeriod($"{where} ({m.Id}), prices[{j}]", file.Source ?? origin))
                .OrderBy(p => p.EffectiveFrom).ToList();
            models.Add(new ModelPrices(m.Id.Trim(), m.Aliases ?? [], periods));
        }
        decimal webSearch = file.WebSearchUsdPerRequest ?? 0.01m;
        if (webSearch < 0) throw new PriceTableException($"Price file {origin}: web_search_usd_per_request must not be negative");
        return new PriceTable(file.Version ?? "unversioned", file.Source ?? origin, webSearch, models)
        {
            webSearchGiven = file.WebSearchUsdPerRequest is not null,
        };
    }

    static readonly JsonSerializerOptions FileOptions = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, // a misspelt rate must not silently become 0
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    sealed class FileShape
    {
        [JsonPropertyName("version")] public string? Version { get; set; }
        [JsonPropertyName("source")] public string? Source { get; set; }
        [JsonPropertyName("web_search_usd_per_request")] public decimal? WebSearchUsdPerRequest { get; set; }
        [JsonPropertyName("models")] public List<ModelShape>? Models { get; set; }
    }

    sealed class ModelShape
    {
        [JsonPropertyName("id")] public string? Id { get; set; }
        [JsonPropertyName("aliases")] public List<string>? Aliases { get; set; }
        [JsonPropertyName("prices")] public List<PeriodShape>? Prices { get; set; }
    }

    class RatesShape
    {
        [JsonPropertyName("input")] public decimal? Input { get; set; }
        [JsonPropertyName("output")] public decimal? Output { get; set; }
        [JsonPropertyName("cache_write_5m")] public decimal? CacheWrite5m { get; set; }
        [JsonPropertyName("cache_write_1h")] public decimal? CacheWrite1h { get; set; }
        [JsonPropertyName("cache_read")] public decimal? CacheRead { get; set; }

        public Rates ToRates(string where)
        {
            decimal Rate(decimal? value, string name) => value switch
            {
                null => throw new PriceTableException($"{where} has no \"{name}\" rate"),
                < 0 => throw new PriceTableException($"{where}: \"{name}\" must not be negative"),
                { } v => v,
            };
            return new Rates(Rate(Input, "input"), Rate(Output, "output"), Rate(CacheWrite5m, "cache_write_5m"),
                Rate(CacheWrite1h, "cache_write_1h"), Rate(CacheRead, "cache_read"));
        }
    }

    sealed class LongContextShape : RatesShape
    {
        [JsonPropertyName("above_tokens")] public long? AboveTokens { get; set; }
    }

    sealed class PeriodShape : RatesShape
    {
        [JsonPropertyName("effective_from")] public string? EffectiveFrom { get; set; }
        [JsonPropertyName("source")] public string? Source { get; set; }
        [JsonPropertyName("long_context")] public LongContextShape? LongContext { get; set; }
        [JsonPropertyName("fast_multiplier")] public decimal? FastMultiplier { get; set; }

        public PricePeriod ToPeriod(string where, string defaultSource)
        {
            if (!DateOnly.TryParseExact(EffectiveFrom, "yyyy-MM-dd", out var from))
                throw new PriceTableException($"{where}: \"effective_from\" must be a date such as 2025-05-22");
            if (FastMultiplier is <= 0) throw new PriceTableException($"{where}: \"fast_multiplier\" must be positive");
            Rates? premium = null;
            long? above = null;
            if (LongContext is not null)
            {
                if (LongContext.AboveTokens is not > 0)
                    throw new PriceTableException($"{where}: \"long_context\" needs a positive \"above_tokens\"");
                above = LongContext.AboveTokens;
                premium = LongContext.ToRates(where + ".long_context");
            }
            return new PricePeriod(from, Source ?? defaultSource, ToRates(where), above, premium, FastMultiplier);
        }
    }
}

/// <summary>A price file that cannot be used, with a message that names the file and the problem.</summary>
public sealed class PriceTableException(string message) : Exception(message);
