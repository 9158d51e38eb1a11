using System.Text.RegularExpressions;

namespace Gasometer.Pricing;

/// <summary>
/// Turns the many spellings of one model id into the form the price table is keyed by. Only
/// spelling is normalized: the result is then matched exactly, never by prefix, so
/// claude-opus-4-20250514 can only ever be Opus 4 and never Opus 4.5.
/// </summary>
public static partial class ModelId
{
    // Bedrock: "anthropic.claude-…-v1:0", optionally behind a cross-region prefix ("us.", "eu.", "apac.", "global.").
    [GeneratedRegex(@"^(?:[a-z]{2,6}\.)?anthropic\.(?<id>.+?)(?:-v\d+(?::\d+)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Bedrock();

    [GeneratedRegex(@"^(?<base>.+)-\d{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex Dated();

    /// <summary>Lower case, no provider prefix or suffix, Vertex's "@date" written as "-date".</summary>
    public static string Normalize(string raw)
    {
        var id = raw.Trim().ToLowerInvariant();
        // "claude-opus-4-6[1m]": Claude Code marks the 1M-context variant; the tier is decided per request by size.
        int bracket = id.IndexOf('[');
        if (bracket > 0 && id.EndsWith(']')) id = id[..bracket];
        if (id.StartsWith("anthropic/", StringComparison.Ordinal)) id = id["anthropic/".Length..];
        var bedrock = Bedrock().Match(id);
        if (bedrock.Success) id = bedrock.Groups["id"].Value;
        return id.Replace('@', '-');
    }

    /// <summary>
    /// The spellings to look up, most specific first: the normalized id, then the id without a
    /// trailing snapshot date (claude-sonnet-4-5-20250929 is a snapshot of claude-sonnet-4-5).
    /// </summary>
    public static IEnumerable<string> Candidates(string raw)
    {
        var id = Normalize(raw);
        yield return id;
        var dated = Dated().Match(id);
        if (dated.Success) yield return dated.Groups["base"].Value;
    }
}
