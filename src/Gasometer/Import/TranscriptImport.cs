using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Gasometer.Ingest;
using Gasometer.Money;
using Gasometer.Pricing;
using Gasometer.Time;

namespace Gasometer.Import;

/// <summary>Usage and cost of one model in an import.</summary>
public sealed record ModelUsage(string Model, long Calls, long Input, long Output, long CacheWrite5m, long CacheWrite1h,
    long CacheRead, long WebSearches, long CostNanos, long ReportedCostNanos);

/// <summary>Usage of one model that had no price.</summary>
public sealed record UnpricedModel(string Model, string Reason, long Calls, long Tokens);

/// <summary>What a transcript import found and stored.</summary>
public sealed record TranscriptImportSummary(
    int Files, long Bytes, long Lines, long SkippedCount, IReadOnlyList<SkippedLine> Skipped,
    int Sessions, long ApiCalls, long DuplicateLines, long SyntheticLines,
    IReadOnlyList<ModelUsage> ByModel, IReadOnlyList<UnpricedModel> Unpriced,
    long Snapshots, long ChangedSnapshots, TimeSpan ScanTime, TimeSpan WriteTime)
{
    public long CostNanos => ByModel.Sum(m => m.CostNanos);
}

/// <summary>
/// Imports Claude Code transcripts (~/.claude/projects). Each session becomes one run whose
/// snapshots are its running totals after each API response, in time order, so every increment is
/// exactly one response's cost and lands when it happened.
///
/// Several models in one session (the main conversation and a Haiku sub-agent): each snapshot
/// carries the model of the response it adds, so the rollup's model dimension, built from each
/// increment's snapshot, splits cost and tokens by model exactly, while the session stays one run
/// whose total is exact. The run row's model is the main conversation's model.
///
/// Re-importing reads everything again and hands the same snapshots to the store, which ignores what
/// it already holds; a folder that gained lines adds only the new responses.
/// </summary>
public static class TranscriptImport
{
    public const string Source = SourceOverlap.TranscriptSource;

    public static Task<TranscriptImportSummary> RunAsync(ImportBatch writer, PriceTable prices,
        IReadOnlyList<string> roots, ImportProgress progress, CancellationToken ct = default, int? spillParts = null) =>
        RunAsync(Task.FromResult(writer), prices, roots, progress, ct, spillParts);

    /// <param name="writerReady">the writer once the database is ready; files are read meanwhile, as nothing is written before all are read.</param>
    /// <param name="spillParts">how many temporary files hold responses between passes (default: by corpus size; tests force several).</param>
    public static async Task<TranscriptImportSummary> RunAsync(Task<ImportBatch> writerReady, PriceTable prices,
        IReadOnlyList<string> roots, ImportProgress progress, CancellationToken ct = default, int? spillParts = null)
    {
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ = writerReady.ContinueWith(_ => stopReading.Cancel(), CancellationToken.None,
            TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var clock = Stopwatch.StartNew();
        var files = TranscriptScan.FindFiles(roots);
        long totalBytes = files.Sum(f => new FileInfo(f.Path).Length);
        using var scan = new TranscriptScan(spillParts ?? TranscriptScan.PartsFor(totalBytes));
        long bytesDone = 0;
        string Status() =>
            $"reading {scan.Files:N0}/{files.Count:N0} files, {bytesDone / 1e6:N0}/{totalBytes / 1e6:N0} MB, " +
            $"{scan.Lines:N0} lines, {scan.Sessions.Count:N0} sessions, {bytesDone / 1e6 / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0} MB/s";
        try
        {
            scan.ReadFiles(files, () =>
            {
                bytesDone = scan.Bytes;
                progress.Update(Status);
            }, stopReading.Token);
        }
        catch (OperationCanceledException) when (writerReady.IsFaulted)
        {
            await writerReady; // the database's error, not the cancellation it caused
        }
        bytesDone = scan.Bytes;
        progress.Line(Status());
        scan.MergeCopies(ct);
        var scanTime = clock.Elapsed;
        long apiCalls = scan.ApiCalls;

        var writer = await writerReady;
        var models = new Dictionary<string, ModelUsage>(StringComparer.Ordinal);
        var unpriced = new Dictionary<(string Model, string Reason), UnpricedModel>();
        var batch = new List<CostSnapshot>(ImportBatch.TargetSnapshots);
        var batchSessions = new List<SessionResult>();
        long snapshots = 0, changed = 0;
        int sessionsWithUsage = 0, sessionsDone = 0;

        async Task FlushAsync()
        {
            if (batchSessions.Count == 0) return;
            var done = batchSessions.ToList();
            changed += await writer.WriteAsync(batch, (c, tx) => StoreAlongsideAsync(c, tx, done), ct);
            batch.Clear();
            batchSessions.Clear();
            progress.Update(() => $"writing {sessionsDone:N0}/{sessionsWithUsage:N0} sessions, {snapshots:N0} snapshots, {changed:N0} new or changed");
        }

        var writeClock = Stopwatch.StartNew();
        sessionsWithUsage = scan.SessionsWithCalls;
        foreach (var (session, sessionCalls) in scan.CallsBySession())
        {
            ct.ThrowIfCancellationRequested();
            var result = BuildSession(session, sessionCalls, prices, models, unpriced);
            if (batch.Count > 0 && batch.Count + result.Snapshots.Count > ImportBatch.TargetSnapshots) await FlushAsync();
            batch.AddRange(result.Snapshots);
            batchSessions.Add(result);
            snapshots += result.Snapshots.Count;
            sessionsDone++;
        }
        await FlushAsync();
        progress.Line($"wrote {sessionsWithUsage:N0} sessions, {snapshots:N0} snapshots, {changed:N0} new or changed");

        return new TranscriptImportSummary(scan.Files, scan.Bytes, scan.Lines, scan.SkippedCount, scan.Skipped,
            sessionsWithUsage, apiCalls, scan.UsageLines - apiCalls, scan.SyntheticLines,
            models.Values.OrderByDescending(m => m.CostNanos).ThenBy(m => m.Model, StringComparer.Ordinal).ToList(),
            unpriced.Values.OrderBy(u => u.Model, StringComparer.Ordinal).ToList(),
            snapshots, changed, scanTime, writeClock.Elapsed);
    }

    /// <summary>One session ready to store: its snapshots, its usage without a price, and its main model.</summary>
    sealed record SessionResult(string SessionId, AgentIdentity Identity, List<CostSnapshot> Snapshots,
        Dictionary<string, UnpricedUsage> Unpriced);

    sealed class UnpricedUsage(string reason)
    {
        public string Reason { get; } = reason;
        public long Calls, Input, Output, CacheWrite5m, CacheWrite1h, CacheRead, WebSearches;
        public long FirstAt = long.MaxValue, LastAt = long.MinValue;
    }

    static SessionResult BuildSession(TranscriptSession session, List<UsageCopy> calls, PriceTable prices,
        Dictionary<string, ModelUsage> models, Dictionary<(string, string), UnpricedModel> unpricedModels)
    {
        calls.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Key, b.Key));
        var who = AgentIdentity.FromCwd(session.Cwd, session.ProjectFolder);
        var snapshots = new List<CostSnapshot>(calls.Count);
        var unpriced = new Dictionary<string, UnpricedUsage>(StringComparer.Ordinal);
        long cost = 0, input = 0, output = 0, cacheRead = 0, cacheWrite = 0, lastAt = long.MinValue;
        long? computed = 0;
        long start = Math.Min(session.FirstAt, calls[0].At);

        foreach (var call in calls)
        {
            var usage = new TokenUsage(call.Input, call.Output, call.CacheWrite5m, call.CacheWrite1h, call.CacheRead,
                call.WebSearches, call.Fast);
            var quote = prices.Price(call.Model, call.At, usage);
            long callCost;
            string origin;
            if (call.CostUsd is { } usd)
            {
                callCost = Usd.ToNanos(usd); // a legacy costUSD is what Claude Code reported: it wins, the computed figure is kept beside it
                origin = CostOrigin.Reported;
            }
            else if (quote.Nanos is { } n)
            {
                callCost = n;
                origin = CostOrigin.Computed;
            }
            else
            {
                var u = unpriced.TryGetValue(call.Model, out var found) ? found : unpriced[call.Model] = new UnpricedUsage(quote.Unpriced!);
                u.Calls++;
                u.Input += call.Input;
                u.Output += call.Output;
                u.CacheWrite5m += call.CacheWrite5m;
                u.CacheWrite1h += call.CacheWrite1h;
                u.CacheRead += call.CacheRead;
                u.WebSearches += call.WebSearches;
                u.FirstAt = Math.Min(u.FirstAt, call.At);
                u.LastAt = Math.Max(u.LastAt, call.At);
                var key = (call.Model, quote.Unpriced!);
                unpricedModels.TryGetValue(key, out var seen);
                unpricedModels[key] = new UnpricedModel(call.Model, quote.Unpriced!, (seen?.Calls ?? 0) + 1,
                    (seen?.Tokens ?? 0) + usage.Total);
                continue;
            }

            cost += callCost;
            computed = quote.Nanos is { } c && computed is { } sum ? sum + c : null;
            input += call.Input;
            output += call.Output;
            cacheRead += call.CacheRead;
            cacheWrite += call.CacheWrite5m + call.CacheWrite1h;
            // Two responses of one session in the same millisecond (main and sub-agent) stay two snapshots.
            long at = Math.Max(call.At, lastAt + 1);
            lastAt = at;
            snapshots.Add(new CostSnapshot(session.Id, who.Role, who.Worker, who.Rig, cost, new Instant(at, 0),
                input, output, cacheRead, cacheWrite, call.Model, (at - start) / Instant.NanosPerSecond, null, Source)
            {
                CostOrigin = origin,
                ComputedCostNanos = computed,
            });

            models.TryGetValue(call.Model, out var m);
            models[call.Model] = new ModelUsage(call.Model, (m?.Calls ?? 0) + 1, (m?.Input ?? 0) + call.Input,
                (m?.Output ?? 0) + call.Output, (m?.CacheWrite5m ?? 0) + call.CacheWrite5m, (m?.CacheWrite1h ?? 0) + call.CacheWrite1h,
                (m?.CacheRead ?? 0) + call.CacheRead, (m?.WebSearches ?? 0) + call.WebSearches, (m?.CostNanos ?? 0) + callCost,
                (m?.ReportedCostNanos ?? 0) + (origin == CostOrigin.Reported ? callCost : 0));
        }
        return new SessionResult(session.Id, who, snapshots, unpriced);
    }

    /// <summary>
    /// In the same transaction as the snapshots: the sessions' unpriced usage (replaced whole, as the
    /// import recomputes it whole), a run whose session has unpriced usage marked so (its cost is a
    /// lower bound). A run's model stays what the ledger made it (its latest response's): rewriting it
    /// here would move the run between day_rollup keys behind the ledger's back.
    /// </summary>
    static async Task StoreAlongsideAsync(DbConnection c, DbTransaction tx, List<SessionResult> sessions)
    {
        long now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        foreach (var s in sessions)
        {
            await c.ExecuteAsync("DELETE FROM unpriced_usage WHERE source = @Source AND session_id = @SessionId",
                new { Source, s.SessionId }, tx);
            foreach (var (model, u) in s.Unpriced)
                await c.ExecuteAsync("""
                    INSERT INTO unpriced_usage (source, session_id, model, role, worker, rig, reason, calls, input_tokens,
                        output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, web_search_requests,
                        first_at_ns, last_at_ns, updated_at_ns)
                    VALUES (@Source, @SessionId, @Model, @Role, @Worker, @Rig, @Reason, @Calls, @Input, @Output,
                        @CacheWrite5m, @CacheWrite1h, @CacheRead, @WebSearches, @FirstAt, @LastAt, @Now)
                    """, new
                {
                    Source, s.SessionId, Model = model, s.Identity.Role, s.Identity.Worker, s.Identity.Rig, u.Reason, u.Calls,
                    u.Input, u.Output, u.CacheWrite5m, u.CacheWrite1h, u.CacheRead, u.WebSearches, u.FirstAt, u.LastAt, Now = now,
                }, tx);
            if (s.Unpriced.Count > 0)
                await c.ExecuteAsync("UPDATE runs SET cost_origin = @Unpriced WHERE session_id = @SessionId AND source = @Source",
                    new { CostOrigin.Unpriced, s.SessionId, Source }, tx);
        }
    }
}
