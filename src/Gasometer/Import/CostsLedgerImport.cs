using System.Text.Json;
using Gasometer.Ingest;
using Gasometer.Pricing;

namespace Gasometer.Import;

/// <summary>One line of an import that could not be used, and why.</summary>
public sealed record SkippedLine(string File, long Line, string Reason);

/// <summary>What an import of Gas Town's costs.jsonl did.</summary>
public sealed record CostsImportSummary(
    string Path, long Lines, long Snapshots, long ChangedSnapshots, long SkippedCount, IReadOnlyList<SkippedLine> Skipped);

/// <summary>
/// Imports Gas Town's stop-hook ledger (<c>gt costs record</c> appends one event per assistant turn).
/// Every line goes through the API's own validation and <see cref="SnapshotStore"/>, so running
/// totals, runs and increments follow exactly the ingest rules. The whole file is read each time:
/// Gas Town's digest rewrites it in place, so no byte offset can be trusted, and the store already
/// ignores a snapshot it holds. Lines that vanished from a shortened file stay imported.
/// </summary>
public static class CostsLedgerImport
{
    public const string Source = "costs.jsonl";
    public const int MaxSkippedListed = 1_000;

    public static async Task<CostsImportSummary> RunAsync(ImportBatch writer, PriceTable prices, string path,
        ImportProgress progress, CancellationToken ct = default)
    {
        var skipped = new List<SkippedLine>();
        long skippedCount = 0, lines = 0, snapshots = 0, changed = 0;
        var batch = new List<CostSnapshot>(ImportBatch.TargetSnapshots);

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            1 << 16, FileOptions.SequentialScan);
        using var reader = new JsonLinesReader(stream);
        while (true)
        {
            if (!NextSnapshot(reader, prices, path, out var snapshot, out var problem, out var isBlank)) break;
            if (isBlank) continue;
            lines++;
            if (problem is not null)
            {
                if (skipped.Count < MaxSkippedListed) skipped.Add(problem);
                skippedCount++;
                continue;
            }
            batch.Add(snapshot!);
            snapshots++;
            if (batch.Count >= ImportBatch.TargetSnapshots)
            {
                changed += await writer.WriteAsync(batch, ct: ct);
                batch.Clear();
            }
            progress.Update(() => $"costs.jsonl: {lines:N0} lines, {snapshots:N0} snapshots, {skippedCount:N0} skipped");
        }
        if (batch.Count > 0) changed += await writer.WriteAsync(batch, ct: ct);
        return new CostsImportSummary(path, lines, snapshots, changed, skippedCount, skipped);
    }

    /// <summary>Reads the next line into a snapshot or the reason it was skipped; false at the end of the file.</summary>
    static bool NextSnapshot(JsonLinesReader reader, PriceTable prices, string path,
        out CostSnapshot? snapshot, out SkippedLine? problem, out bool isBlank)
    {
        snapshot = null;
        problem = null;
        if (!reader.TryReadLine(out var line)) { isBlank = false; return false; }
        isBlank = line.Trim(" \t"u8).IsEmpty;
        if (isBlank) return true;

        var details = new List<ValidationDetail>();
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            snapshot = SnapshotParser.Parse(document.RootElement, Source, details, prices);
        }
        catch (JsonException)
        {
            problem = new SkippedLine(path, reader.LineNumber, "not valid JSON");
            return true;
        }
        if (snapshot is null)
            problem = new SkippedLine(path, reader.LineNumber, string.Join("; ", details.Select(d => $"{d.Field} {d.Message}")));
        return true;
    }
}
