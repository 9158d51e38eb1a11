using Xunit;
using Dapper;
using Gasometer.Import;
using Gasometer.Ingest;
using Gasometer.Pricing;
using Gasometer.Storage;

namespace Gasometer.Tests.Import;

/// <summary>A fresh SQLite file in its own temp folder, migrated, with an import writer over it.</summary>
public sealed class ImportFixture : IAsyncDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("gasometer-import-").FullName;
    public Database Database { get; private set; } = null!;
    public ImportBatch Writer { get; private set; } = null!;

    public string DatabasePath => Path.Combine(Folder, "gasometer.db");

    public static async Task<ImportFixture> CreateAsync()
    {
        var f = new ImportFixture();
        f.Database = Database.Sqlite(f.DatabasePath);
        await Migrations.ApplyAsync(f.Database);
        f.Writer = new ImportBatch(f.Database, new SnapshotStore(f.Database, RollupZones.UtcOnly));
        return f;
    }

    /// <param name="spillParts">
    /// Three by default, where a real import of a corpus this small uses one: every test then crosses the
    /// spill files' boundaries (copies of one response merged in one file, sessions regrouped from several).
    /// </param>
    public Task<TranscriptImportSummary> ImportTranscriptsAsync(string root, PriceTable? prices = null, int spillParts = 3) =>
        TranscriptImport.RunAsync(Writer, prices ?? PriceTable.Default, [root], ImportProgress.Silent, spillParts: spillParts);

    public Task<CostsImportSummary> ImportCostsAsync(string path) =>
        CostsLedgerImport.RunAsync(Writer, PriceTable.Default, path, ImportProgress.Silent);

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var c = await Database.OpenAsync();
        return (await c.QueryAsync<T>(sql, args)).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await Database.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    /// <summary>Everything stored, as text, to show that a second import changed nothing at all.</summary>
    public async Task<string> DumpAsync()
    {
        await using var c = await Database.OpenAsync();
        var snapshots = await c.QueryAsync<string>("""
            SELECT session_id || '|' || ended_at_ns || '|' || run_no || '|' || cost_nanos || '|' || increment_nanos || '|' ||
                   COALESCE(model, '') || '|' || COALESCE(input_tokens, '') || '|' || COALESCE(output_tokens, '') || '|' ||
                   COALESCE(cache_read_tokens, '') || '|' || COALESCE(cache_create_tokens, '') || '|' || cost_origin || '|' ||
                   COALESCE(computed_cost_nanos, '') || '|' || source || '|' || ingested_at_ns
            FROM snapshots ORDER BY session_id, ended_at_ns
            """);
        var runs = await c.QueryAsync<string>("""
            SELECT session_id || '|' || run_no || '|' || role || '|' || COALESCE(worker, '') || '|' || COALESCE(rig, '') || '|' ||
                   COALESCE(model, '') || '|' || cost_nanos || '|' || input_tokens || '|' || output_tokens || '|' ||
                   cache_read_tokens || '|' || cache_create_tokens || '|' || started_at_ns || '|' || ended_at_ns || '|' ||
                   snapshot_count || '|' || cost_origin || '|' || source || '|' || updated_at_ns
            FROM runs ORDER BY session_id, run_no
            """);
        var rollup = await c.QueryAsync<string>("""
            SELECT bucket || '|' || role || '|' || rig || '|' || worker || '|' || model || '|' || spend_nanos || '|' ||
                   input_tokens || '|' || output_tokens || '|' || cache_read_tokens || '|' || cache_create_tokens
            FROM spend_rollup ORDER BY bucket, role, rig, worker, model
            """);
        return string.Join("\n", snapshots.Concat(["--"]).Concat(runs).Concat(["--"]).Concat(rollup));
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The shared sample inputs: ../shared/samples next to the repository root.</summary>
public static class Samples
{
    public static string Folder { get; } = Locate();

    public static string Transcripts => Path.Combine(Folder, "transcripts");
    public static string CostsLedger => Path.Combine(Folder, "costs.jsonl");

    static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Gasometer.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "samples"));
        throw new InvalidOperationException("Gasometer.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Copies the sample transcripts to a folder the test may change.</summary>
    public static string CopyTranscripts(string into)
    {
        foreach (var file in Directory.EnumerateFiles(Transcripts, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(into, Path.GetRelativePath(Transcripts, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
        return into;
    }
}
