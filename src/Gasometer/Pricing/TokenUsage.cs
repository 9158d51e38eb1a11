namespace Gasometer.Pricing;

/// <summary>
/// Token counts to be priced. For one API response (a transcript line's message.usage) the
/// long-context tier can be decided; for a hook's running totals it cannot, see <see cref="PerRequest"/>.
/// </summary>
public readonly record struct TokenUsage(
    long Input,
    long Output,
    long CacheWrite5m,
    long CacheWrite1h,
    long CacheRead,
    long WebSearches = 0,
    bool Fast = false,
    bool PerRequest = true)
{
    public long CacheWrites => CacheWrite5m + CacheWrite1h;

    /// <summary>What the long-context threshold is compared with: every input token of the request.</summary>
    public long PromptTokens => Input + CacheWrite5m + CacheWrite1h + CacheRead;

    public long Total => Input + Output + CacheWrite5m + CacheWrite1h + CacheRead;
}

/// <summary>
/// The price of some usage: nano-dollars and the table entry used, or why it has no price.
/// An unpriced quote carries no amount at all, so it can never be added up as $0 by mistake.
/// </summary>
public readonly record struct PriceQuote(long? Nanos, string? PricedAs, string? Unpriced)
{
    public bool IsPriced => Nanos is not null;

    public static PriceQuote Of(long nanos, string pricedAs) => new(nanos, pricedAs, null);

    public static PriceQuote NoPrice(string why) => new(null, null, why);
}
