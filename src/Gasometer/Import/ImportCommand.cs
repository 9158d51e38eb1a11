using System.Runtime.InteropServices;
using Gasometer.Ingest;
using Gasometer.Money;
using Gasometer.Pricing;
using Gasometer.Storage;

namespace Gasometer.Import;

/// <summary>
/// <c>gasometer import costs [PATH]</c> and <c>gasometer import transcripts [DIR]</c>: command-line
/// jobs that use the server's configuration (appsettings.json, environment, --key=value), its
/// database and its ingest rules. Migrations are applied first, as the server does at start-up.
/// </summary>
public static class ImportCommand
{
    const string Usage = """
        usage: gasometer import costs [PATH]        Gas Town's ledger (default $GT_HOME/.gt/costs.jsonl, else ~/.gt/costs.jsonl)
               gasometer import transcripts [DIR]   Claude Code transcripts (default $CLAUDE_CONFIG_DIR/projects, else ~/.claude/projects)
        Settings as for the server, e.g. --Gasometer:SqlitePath=data/gasometer.db, --ConnectionStrings:Gasometer=...,
        --Gasometer:PricesPath=my-prices.json
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, CancellationToken ct = default)
    {
        output ??= Console.Out;
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }
        var settings = args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var words = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (words.Length is 0 or > 2 || words[0] is not ("costs" or "transcripts"))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var configuration = Configuration(settings);
        PriceTable prices;
        try
        {
            prices = PriceTable.FromConfiguration(configuration);
        }
        catch (PriceTableException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        await using var database = DatabaseSettings.FromConfiguration(configuration);
        try
        {
            return await ImportAsync(words, configuration, prices, database, output, ct);
        }
        catch (LedgerCeilingException e)
        {
            await Console.Error.WriteLineAsync($"Import stopped: its next write {e.Message}. What was stored before it is kept, and re-running adds nothing twice.");
            return 1;
        }
        catch (TempFilesException e)
        {
            await Console.Error.WriteLineAsync($"Import stopped: {e.Message} What was stored before it is kept; run it again to finish (nothing is added twice).");
            return 1;
        }
        catch (System.Data.Common.DbException e)
        {
            // "file is not a database" alone does not say which file.
            await Console.Error.WriteLineAsync($"Cannot import into {database.Description}: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Import interrupted. What was stored before it is kept; run it again to finish (nothing is added twice).");
            return 130;
        }
    }

    /// <summary>
    /// Runs the command with Ctrl+C and SIGTERM cancelling it instead of killing the process, so an
    /// interrupted import still ends its transaction cleanly and deletes its temporary files. A second
    /// signal kills it at once (say while SQLite waits for another writer's lock); nothing committed
    /// is lost then either, and the next import deletes the temporary files.
    /// </summary>
    public static async Task<int> RunInterruptibleAsync(string[] args)
    {
        using var interrupted = new CancellationTokenSource();
        int exitCode = 130;
        void Cancel(PosixSignalContext context)
        {
            if (interrupted.IsCancellationRequested) return; // the second: the signal's default action
            context.Cancel = true;
            exitCode = context.Signal == PosixSignal.SIGTERM ? 143 : 130; // 128 + the signal's number, as shells report it
            Console.Error.WriteLine("Stopping the import (press Ctrl+C again to quit at once) ...");
            interrupted.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        int code = await RunAsync(args, ct: interrupted.Token);
        return code == 130 ? exitCode : code;
    }

    static async Task<int> ImportAsync(string[] words, IConfiguration configuration, PriceTable prices, Database database,
        TextWriter output, CancellationToken ct)
    {
        var zones = RollupZones.FromConfiguration(configuration);
        var progress = ReferenceEquals(output, Console.Out) ? ImportProgress.ForConsole() : ImportProgress.Silent;

        if (words[0] == "costs")
        {
            var path = words.Length == 2 ? words[1] : DefaultCostsPath();
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"No costs ledger at {path}");
                return 1;
            }
            var writer = await PrepareAsync(database, zones, ct);
            output.WriteLine($"Importing into {database.Description} (prices {prices.Version})");
            var summary = await CostsLedgerImport.RunAsync(writer, prices, path, progress, ct);
            ImportReport.Write(output, summary);
            return 0;
        }

        var roots = words.Length == 2 ? [words[1]] : DefaultTranscriptRoots();
        var missing = roots.Where(r => !Directory.Exists(r)).ToList();
        if (missing.Count == roots.Count)
        {
            await Console.Error.WriteLineAsync($"No transcripts folder at {string.Join(", ", roots)}");
            return 1;
        }
        output.WriteLine($"Importing into {database.Description} (prices {prices.Version})");
        // Migrations and the rollup backfill run while the transcripts are read: nothing is written
        // before every file has been read, and a database that cannot be opened stops the reading.
        var ready = Task.Run(() => PrepareAsync(database, zones, ct), ct);
        var result = await TranscriptImport.RunAsync(ready, prices, roots.Except(missing).ToList(), progress, ct);
        ImportReport.Write(output, result);
        return 0;
    }

    /// <summary>What the server does at start-up before it accepts a snapshot.</summary>
    static async Task<ImportBatch> PrepareAsync(Database database, RollupZones zones, CancellationToken ct)
    {
        await Migrations.ApplyAsync(database, ct: ct);
        await DayRollupBackfill.EnsureAsync(database, zones, ct: ct);
        return new ImportBatch(database, new SnapshotStore(database, zones));
    }

    static IConfiguration Configuration(string[] settings)
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(settings)
            .Build();
    }

    static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    static string DefaultCostsPath()
    {
        var gtHome = Environment.GetEnvironmentVariable("GT_HOME");
        return string.IsNullOrWhiteSpace(gtHome)
            ? Path.Combine(Home, ".gt", "costs.jsonl")
            : Path.Combine(gtHome, ".gt", "costs.jsonl");
    }

    /// <summary>CLAUDE_CONFIG_DIR may name several folders, comma-separated, as Claude Code tools accept it.</summary>
    static List<string> DefaultTranscriptRoots()
    {
        var configDirs = Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR");
        if (string.IsNullOrWhiteSpace(configDirs)) return [Path.Combine(Home, ".claude", "projects")];
        return configDirs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => Path.Combine(d, "projects")).ToList();
    }
}

/// <summary>The end-of-import summaries, as plain text.</summary>
public static class ImportReport
{
    const int SkippedShown = 20;

    public static void Write(TextWriter o, CostsImportSummary s)
    {
        o.WriteLine($"costs.jsonl: {s.Path}");
        o.WriteLine($"  lines read          {s.Lines,14:N0}");
        o.WriteLine($"  snapshots accepted  {s.Snapshots,14:N0}");
        o.WriteLine($"  new or changed      {s.ChangedSnapshots,14:N0}");
        WriteSkipped(o, s.SkippedCount, s.Skipped);
    }

    public static void Write(TextWriter o, TranscriptImportSummary s)
    {
        o.WriteLine($"Transcripts: {s.Files:N0} files, {s.Bytes / 1e6:N1} MB, {s.Lines:N0} lines " +
                    $"(read in {s.ScanTime.TotalSeconds:N2} s, stored in {s.WriteTime.TotalSeconds:N2} s)");
        o.WriteLine($"  sessions            {s.Sessions,14:N0}");
        o.WriteLine($"  API calls           {s.ApiCalls,14:N0}   ({s.DuplicateLines:N0} duplicate lines, {s.SyntheticLines:N0} synthetic skipped)");
        o.WriteLine($"  snapshots           {s.Snapshots,14:N0}   ({s.ChangedSnapshots:N0} new or changed)");
        o.WriteLine($"  input tokens        {s.ByModel.Sum(m => m.Input),14:N0}");
        o.WriteLine($"  output tokens       {s.ByModel.Sum(m => m.Output),14:N0}");
        o.WriteLine($"  cache write 5m      {s.ByModel.Sum(m => m.CacheWrite5m),14:N0}");
        o.WriteLine($"  cache write 1h      {s.ByModel.Sum(m => m.CacheWrite1h),14:N0}");
        o.WriteLine($"  cache read          {s.ByModel.Sum(m => m.CacheRead),14:N0}");
        o.WriteLine($"  web searches        {s.ByModel.Sum(m => m.WebSearches),14:N0}");
        o.WriteLine("  cost by model:");
        foreach (var m in s.ByModel)
        {
            var reported = m.ReportedCostNanos > 0 ? $"  ({Usd.FromNanos(m.ReportedCostNanos)} as reported by costUSD)" : "";
            o.WriteLine($"    {m.Model,-34} {m.Calls,9:N0} calls  ${Usd.FromNanos(m.CostNanos)}{reported}");
        }
        o.WriteLine($"  total               ${Usd.FromNanos(s.CostNanos)}");
        if (s.Unpriced.Count > 0)
        {
            o.WriteLine("  NOT PRICED (usage kept, cost not counted; add rates with Gasometer:PricesPath):");
            foreach (var u in s.Unpriced)
                o.WriteLine($"    {u.Model,-34} {u.Calls,9:N0} calls  {u.Tokens:N0} tokens  ({u.Reason})");
        }
        WriteSkipped(o, s.SkippedCount, s.Skipped);
    }

    static void WriteSkipped(TextWriter o, long count, IReadOnlyList<SkippedLine> skipped)
    {
        o.WriteLine($"  lines skipped       {count,14:N0}");
        foreach (var line in skipped.Take(SkippedShown)) o.WriteLine($"    {line.File}:{line.Line}: {line.Reason}");
        if (count > SkippedShown) o.WriteLine($"    … and {count - SkippedShown:N0} more");
    }
}
