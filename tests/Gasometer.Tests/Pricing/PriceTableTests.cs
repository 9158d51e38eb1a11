using Xunit;
using System.Text;
using Gasometer.Pricing;

namespace Gasometer.Tests.Pricing;

public sealed class PriceTableTests
{
    static readonly long March2026 = DateTimeOffset.Parse("2026-03-10T12:00:00Z").ToUnixTimeMilliseconds() * 1_000_000;

    static long Usd(string model, TokenUsage usage, PriceTable? table = null) =>
        (table ?? PriceTable.Default).Price(model, March2026, usage).Nanos ?? throw new Xunit.Sdk.XunitException($"{model} unpriced");

    [Fact]
    public void Sonnet45WithCacheWritesWithoutTtlSplitCostsTheFiveMinuteRate() =>
        // 1,200 x 3 + 3,400 x 15 + 15,000 x 3.75 + 120,000 x 0.30 per million
        Assert.Equal(146_850_000, Usd("claude-sonnet-4-5-20250929", new TokenUsage(1_200, 3_400, 15_000, 0, 120_000)));

    [Fact]
    public void ACostPastWhatALongHoldsSaturatesInsteadOfOverflowing() =>
        // 1e15 output tokens at $75 per million is $75 billion: more nano-dollars than a long holds.
        Assert.Equal(long.MaxValue, Usd("claude-opus-4-20250514", new TokenUsage(0, 1_000_000_000_000_000, 0, 0, 0)));

    [Fact]
    public void Opus45WithOneHourCacheWrites() =>
        // 50 x 5 + 1,800 x 25 + 20,000 x 10 + 150,000 x 0.50 per million
        Assert.Equal(320_250_000, Usd("claude-opus-4-5-20251101", new TokenUsage(50, 1_800, 0, 20_000, 150_000)));

    [Fact]
    public void Sonnet4AtExactlyTheLongContextThresholdIsStandard() =>
        // 100,000 x 3 + 100,000 x 0.30 + 1,000 x 15 per million
        Assert.Equal(345_000_000, Usd("claude-sonnet-4-20250514", new TokenUsage(100_000, 1_000, 0, 0, 100_000)));

    [Fact]
    public void Sonnet4AboveTheThresholdPaysThePremiumOnAllTokens() =>
        // 100,001 x 6 + 100,000 x 0.60 + 1,000 x 22.50 per million
        Assert.Equal(682_506_000, Usd("claude-sonnet-4-20250514", new TokenUsage(100_001, 1_000, 0, 0, 100_000)));

    [Fact]
    public void CacheWritesCountTowardsTheLongContextThreshold() =>
        // 1 + 150,000 + 50,000 = 200,001 prompt tokens: 1 x 6 + 1 x 22.50 + 150,000 x 7.50 + 50,000 x 0.60 per million
        Assert.Equal(1_155_028_500, Usd("claude-sonnet-4-5", new TokenUsage(1, 1, 150_000, 0, 50_000)));

    [Theory]
    // 300,000 input tokens: at the long-context rate ($10 and $6 per million) until 2026-03-12, then
    // standard ($5 and $3) from 2026-03-13, when the 1M window became generally available without a premium.
    [InlineData("claude-opus-4-6", "2026-03-12T23:59:59Z", 3_000_000_000)]
    [InlineData("claude-opus-4-6", "2026-03-13T00:00:00Z", 1_500_000_000)]
    [InlineData("claude-sonnet-4-6", "2026-03-12T12:00:00Z", 1_800_000_000)]
    [InlineData("claude-sonnet-4-6", "2026-03-14T12:00:00Z", 900_000_000)]
    public void Opus46AndSonnet46DroppedTheLongContextPremiumOn13March2026(string model, string at, long nanos) =>
        Assert.Equal(nanos, PriceTable.Default.Price(model, DateTimeOffset.Parse(at).ToUnixTimeMilliseconds() * 1_000_000,
            new TokenUsage(300_000, 0, 0, 0, 0)).Nanos);

    [Fact]
    public void RunningTotalsNeverTakeTheLongContextTier() =>
        // A hook's totals add up many requests: 300,000 input at the standard 3 per million.
        Assert.Equal(900_000_000, Usd("claude-sonnet-4", new TokenUsage(300_000, 0, 0, 0, 0, PerRequest: false)));

    [Fact]
    public void Haiku3HasItsOwnCacheRates() =>
        // 10,000 x 0.25 + 2,000 x 1.25 + 20,000 x 0.30 + 100,000 x 0.03 per million
        Assert.Equal(14_000_000, Usd("claude-3-haiku-20240307", new TokenUsage(10_000, 2_000, 20_000, 0, 100_000)));

    [Fact]
    public void Opus4DatedIdIsOpus4AndNeverOpus45()
    {
        var usage = new TokenUsage(100_000, 100_000, 0, 0, 0);
        Assert.Equal(9_000_000_000, Usd("claude-opus-4-20250514", usage));   // 100,000 x 15 + 100,000 x 75 per million
        Assert.Equal(9_000_000_000, Usd("claude-opus-4", usage));
        Assert.Equal(9_000_000_000, Usd("claude-opus-4-1-20250805", usage));
        Assert.Equal(3_000_000_000, Usd("claude-opus-4-5-20251101", usage)); // 100,000 x 5 + 100,000 x 25 per million
        Assert.Equal(3_000_000_000, Usd("claude-opus-4-6", usage));
    }

    [Fact]
    public void WebSearchesCostOneCentEach() =>
        // 1,000 x 15 per million + 3 searches
        Assert.Equal(45_000_000, Usd("claude-sonnet-4-5", new TokenUsage(0, 1_000, 0, 0, 0, WebSearches: 3)));

    [Fact]
    public void FastModeAppliesTheModelsMultiplier() =>
        // (1,000 x 5 + 1,000 x 25 per million) x 6
        Assert.Equal(180_000_000, Usd("claude-opus-4-6", new TokenUsage(1_000, 1_000, 0, 0, 0, Fast: true)));

    [Fact]
    public void FastModeOnAModelWithoutAFastPriceIsUnpriced()
    {
        var quote = PriceTable.Default.Price("claude-sonnet-4-5", March2026, new TokenUsage(1_000, 1_000, 0, 0, 0, Fast: true));
        Assert.Equal(PriceQuote.NoPrice("no fast-mode price for model claude-sonnet-4-5"), quote);
    }

    [Theory]
    [InlineData("claude-sonnet-4-0", "claude-sonnet-4")]
    [InlineData("claude-opus-4-0", "claude-opus-4")]
    [InlineData("claude-opus-4-5", "claude-opus-4-5")]
    [InlineData("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5")]
    [InlineData("anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4")]
    [InlineData("us.anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1")]
    [InlineData("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5")]
    [InlineData("anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet")]
    [InlineData("claude-sonnet-4@20250514", "claude-sonnet-4")]
    [InlineData("claude-opus-4-5@20251101", "claude-opus-4-5")]
    [InlineData("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet")]
    [InlineData("claude-opus-4-6[1m]", "claude-opus-4-6")]
    [InlineData("Claude-Sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("claude-haiku-4-5-20251001", "claude-haiku-4-5")]
    [InlineData("claude-3-7-sonnet-latest", "claude-3-7-sonnet")]
    public void ModelIdsAreNormalizedAndMatchedExactly(string model, string pricedAs) =>
        Assert.Equal(pricedAs, PriceTable.Default.Price(model, March2026, new TokenUsage(1, 1, 0, 0, 0)).PricedAs);

    [Theory]
    [InlineData("claude-opus-5")]
    [InlineData("claude-opus-4-7")]
    [InlineData("claude-sonnet-4-5-preview")]
    [InlineData("gpt-4o")]
    [InlineData("opus")]
    [InlineData("<synthetic>")]
    public void AnUnknownModelIsUnpricedNeverZeroAndNeverAnotherModel(string model)
    {
        var quote = PriceTable.Default.Price(model, March2026, new TokenUsage(1_000, 1_000, 0, 0, 0));
        Assert.Equal(PriceQuote.NoPrice($"no price for model {model}"), quote);
        Assert.Null(quote.Nanos);
    }

    [Fact]
    public void AnOverrideFileAddsModelsReplacesRatesAndFollowsEffectiveDates()
    {
        var table = PriceTable.Default.WithOverrides(Load("""
            {
              "version": "team-2026-03",
              "models": [
                { "id": "claude-sonnet-4-5", "prices": [
                    { "effective_from": "2025-09-29", "input": 3, "output": 15, "cache_write_5m": 3.75, "cache_write_1h": 6, "cache_read": 0.30 },
                    { "effective_from": "2026-03-01", "input": 2.5, "output": 12.5, "cache_write_5m": 3, "cache_write_1h": 5, "cache_read": 0.25 } ] },
                { "id": "claude-lab-1", "aliases": ["lab-one"], "prices": [
                    { "effective_from": "2026-01-01", "input": 0.123, "output": 0.0000007, "cache_write_5m": 0, "cache_write_1h": 0, "cache_read": 0 } ] }
              ]
            }
            """));
        long february = DateTimeOffset.Parse("2026-02-15T00:00:00Z").ToUnixTimeMilliseconds() * 1_000_000;
        var usage = new TokenUsage(1_000_000, 0, 0, 0, 0);

        Assert.Equal(3_000_000_000, table.Price("claude-sonnet-4-5-20250929", february, usage).Nanos);
        Assert.Equal(2_500_000_000, table.Price("claude-sonnet-4-5-20250929", March2026, usage).Nanos);
        // Exact decimals, rounded once to the nano-dollar: 1,000 x 0.123 + 1,000 x 0.0000007 per million = 123,000.7 nanos
        Assert.Equal(123_001, table.Price("lab-one", March2026, new TokenUsage(1_000, 1_000, 0, 0, 0)).Nanos);
        // The rest of the built-in table is untouched.
        Assert.Equal(5_000_000_000, table.Price("claude-opus-4-5", March2026, usage).Nanos);
        Assert.Equal("2026-03-15.1+team-2026-03", table.Version);
    }

    [Theory]
    [InlineData("""{"models":[{"id":"x","prices":[{"effective_from":"2026-01-01","input":1,"output":1,"cache_write_5m":1,"cache_read":1}]}]}""",
        "Price file test.json, models[0] (x), prices[0] has no \"cache_write_1h\" rate")]
    [InlineData("""{"models":[{"id":"x","prices":[{"effective_from":"2026-01-01","input":1,"output":1,"cache_write_5m":1,"cache_write_1h":1,"cache_read":1,"cache_reads":2}]}]}""",
        "Price file test.json is not valid:")]
    [InlineData("""{"models":[{"id":"x","prices":[{"effective_from":"soon","input":1,"output":1,"cache_write_5m":1,"cache_write_1h":1,"cache_read":1}]}]}""",
        "Price file test.json, models[0] (x), prices[0]: \"effective_from\" must be a date such as 2025-05-22")]
    [InlineData("""{"models":[{"id":"x","prices":[]}]}""", "Price file test.json, models[0] (x) has no \"prices\"")]
    [InlineData("""{"version":"1"}""", "Price file test.json has no \"models\" list")]
    public void ABrokenPriceFileIsRefusedWithItsProblemNamed(string json, string message)
    {
        var e = Assert.Throws<PriceTableException>(() => Load(json));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void TheBuiltInTableNamesItsSourceAndEveryPeriodHasOne()
    {
        Assert.Equal("2026-03-15.1", PriceTable.Default.Version);
        Assert.All(PriceTable.Default.Models, m => Assert.All(m.Periods, p => Assert.StartsWith("Anthropic pricing page", p.Source)));
    }

    static PriceTable Load(string json) => PriceTable.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json");
}
