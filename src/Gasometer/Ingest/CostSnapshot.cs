using Gasometer.Pricing;
using Gasometer.Time;

namespace Gasometer.Ingest;

/// <summary>
/// One accepted stop-hook event: a session's running totals at <see cref="EndedAt"/>.
/// Token counts, beads and duration are running totals too; null means the sender did not say.
/// </summary>
public sealed record CostSnapshot(
    string SessionId,
    string Role,
    string? Worker,
    string? Rig,
    long CostNanos,
    Instant EndedAt,
    long? InputTokens,
    long? OutputTokens,
    long? CacheReadTokens,
    long? CacheCreateTokens,
    string? Model,
    long? DurationSec,
    long? BeadsClosed,
    string Source)
{
    /// <summary>Where a snapshot came from; the live stop hook posting to the API is "hook".</summary>
    public const string HookSource = "hook";

    /// <summary>0 means "no data": it marks activity but neither starts a run nor changes spend.</summary>
    public bool CarriesNoData => CostNanos == 0;

    /// <summary>Whether <see cref="CostNanos"/> was reported by the sender or computed from the price table (<see cref="Pricing.CostOrigin"/>).</summary>
    public string CostOrigin { get; init; } = Pricing.CostOrigin.Reported;

    /// <summary>The price table's figure for the same running total, kept beside a reported cost when both are known.</summary>
    public long? ComputedCostNanos { get; init; }
}
