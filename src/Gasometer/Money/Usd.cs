namespace Gasometer.Money;

/// <summary>
/// Money is kept as whole nano-dollars (1e-9 USD) in 64-bit integers: exact sums, no float drift,
/// and room for totals far beyond $1,000,000,000 (long.MaxValue nanos is about $9.2 billion).
/// </summary>
public static class Usd
{
    public const long NanosPerDollar = 1_000_000_000L;

    /// <summary>The largest running total one snapshot may carry; keeps every sum far from overflow.</summary>
    public const decimal MaxSnapshotDollars = 1_000_000m;

    /// <summary>
    /// Rounds to the nearest nano-dollar. Hooks send JSON floats such as 1.0587230000000003; digits
    /// past the ninth are binary-float noise, never real money.
    /// </summary>
    public static long ToNanos(decimal dollars) =>
        (long)decimal.Round(dollars * NanosPerDollar, 0, MidpointRounding.AwayFromZero);

    /// <summary>Exact decimal dollars without trailing zeros, so JSON shows 1.058723, not 1.058723000.</summary>
    public static decimal FromNanos(long nanos) => (nanos / (decimal)NanosPerDollar) / 1.000000000000000000000000000000000m;
}
