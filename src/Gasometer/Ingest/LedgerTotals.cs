namespace Gasometer.Ingest;

/// <summary>
/// Bounds on everything stored (table ledger_totals), kept so that no sum a query makes can pass what
/// a 64-bit integer holds: each column is the sum of the positive parts of every stored increment.
/// Spend increments are never negative; a token count can fall within a run, but a run's falls never
/// exceed its rises, so any sum of any rows lies within these bounds. Every write adds its change
/// first and is refused, whole, when a bound would pass <see cref="Ceiling"/>.
/// </summary>
public static class LedgerTotals
{
    /// <summary>$9 billion in nano-dollars, and 9e18 of each token type: a little under long.MaxValue.</summary>
    public const long Ceiling = 9_000_000_000_000_000_000;

    internal const string AddSql = """
        UPDATE ledger_totals SET
            spend_nanos = spend_nanos + @spend,
            input_tokens = input_tokens + @input,
            output_tokens = output_tokens + @output,
            cache_read_tokens = cache_read_tokens + @cache_read,
            cache_create_tokens = cache_create_tokens + @cache_create,
            beads_closed = beads_closed + @beads
        WHERE singleton = 1
        RETURNING (spend_nanos <= @ceiling AND input_tokens <= @ceiling AND output_tokens <= @ceiling
            AND cache_read_tokens <= @ceiling AND cache_create_tokens <= @ceiling AND beads_closed <= @ceiling)
        """;
}

/// <summary>A write that would take a stored total past <see cref="LedgerTotals.Ceiling"/>; nothing of it is stored.</summary>
public sealed class LedgerCeilingException(Exception? inner = null) : Exception(
    "would take the stored totals past what Gasometer adds up exactly ($9,000,000,000, or 9e18 tokens of one type)", inner);
