namespace Gasometer.Pricing;

/// <summary>
/// Where a cost figure came from. A run's origin is the weakest of its snapshots': one computed
/// snapshot makes the run computed, and usage that could not be priced makes its cost a lower bound.
/// </summary>
public static class CostOrigin
{
    /// <summary>The sender said what it cost (a hook's cost_usd, a transcript's legacy costUSD).</summary>
    public const string Reported = "reported";

    /// <summary>Gasometer priced the token counts with its price table.</summary>
    public const string Computed = "computed";

    /// <summary>Some usage has no price (unknown model): kept and reported, never counted as $0.</summary>
    public const string Unpriced = "unpriced";

    static int Rank(string origin) => origin switch
    {
        Reported => 0,
        Computed => 1,
        _ => 2,
    };

    public static string Weaker(string a, string b) => Rank(a) >= Rank(b) ? a : b;
}
