using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Gasometer.Ingest;
using Gasometer.Money;
using Gasometer.Time;

namespace Gasometer.Demo;

/// <summary>
/// `gasometer simulate` and `gasometer demo`: the command line of the fleet simulator. Program.Main
/// hands over only when the first argument is literally one of these words.
/// </summary>
public static class FleetCommandLine
{
    public const ulong DefaultSeed = 1;
    const int DefaultPostBatch = 5_000;

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken stop = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = new RootCommand("Gasometer: cost intelligence for Gas Town fleets.");
        root.Subcommands.Add(SimulateCommand(output, error));
        root.Subcommands.Add(DemoCommand(output, error));
        // Ctrl+C is handled where it matters: by the web host for the demo, by simulate itself.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null, Output = output, Error = error };
        return await root.Parse(args).InvokeAsync(invocation, stop);
    }

    static Option<int> DaysOption(int? fallback) => Bounded(new Option<int>("--days")
    {
        Description = "How many days of history to generate, ending now (or at --end).",
    }, fallback, 1, 36_500);

    static Option<int> RigsOption(int? fallback) => Bounded(new Option<int>("--rigs")
    {
        Description = "How many rigs the town runs (each with a witness, a refinery, 2 to 8 polecats and some crew).",
    }, fallback, 1, Fleet.MaxRigs);

    /// <summary>Required when there is no fallback; always within [min, max].</summary>
    static Option<int> Bounded(Option<int> option, int? fallback, int min, int max)
    {
        if (fallback is { } value) option.DefaultValueFactory = _ => value;
        else option.Required = true;
        option.Validators.Add(r =>
        {
            if (TryValue<int>(r, out var n) && (n < min || n > max)) r.AddError($"{option.Name} must be from {min} to {max}.");
        });
        return option;
    }

    /// <summary>
    /// The option's value for a range check; false when its text is not of the option's type, which
    /// the parser reports by itself ("Cannot parse argument ..."): asking for the value then throws.
    /// </summary>
    static bool TryValue<T>(System.CommandLine.Parsing.OptionResult r, out T value)
    {
        try
        {
            value = r.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    static Option<ulong> SeedOption() => new("--seed")
    {
        Description = "Seed of the simulated town: the same seed always gives the same events.",
        DefaultValueFactory = _ => DefaultSeed,
    };

    static Option<string> ZoneOption() => new("--zone")
    {
        Description = "IANA time zone of the simulated town: working hours and the offset written in ended_at.",
        DefaultValueFactory = _ => FleetSimulator.DefaultZone,
        Validators =
        {
            r =>
            {
                if (!TimeZoneInfo.TryFindSystemTimeZoneById(r.GetValueOrDefault<string>() ?? "", out _))
                    r.AddError($"--zone '{r.GetValueOrDefault<string>()}' is not a known IANA time zone.");
            },
        },
    };

    static Command SimulateCommand(TextWriter output, TextWriter error)
    {
        var days = DaysOption(null);
        var rigs = RigsOption(null);
        var seed = SeedOption();
        var zone = ZoneOption();
        var end = new Option<string?>("--end") { Description = "End of the window (RFC 3339, or a date meaning its midnight in --zone); default now." };
        var outFile = new Option<string?>("--out") { Description = "Write costs.jsonl-style lines to this file ('-' for standard output)." };
        var post = new Option<string?>("--post") { Description = "Post the events to a running server, e.g. http://localhost:3001." };
        var apiKey = new Option<string?>("--api-key") { Description = "Bearer token for --post; default the GASOMETER_API_KEY environment variable." };
        var batch = new Option<int>("--batch")
        {
            Description = "Events per POST /api/ingest/batch request.",
            DefaultValueFactory = _ => DefaultPostBatch,
            Validators = { r => { if (TryValue<int>(r, out var n) && n is < 1 or > IngestApi.MaxBatchEvents) r.AddError($"--batch must be from 1 to {IngestApi.MaxBatchEvents}."); } },
        };
        var maxEvents = new Option<long?>("--max-events") { Description = "Stop after this many events (for benchmarks)." };

        var command = new Command("simulate", "Generate the stop-hook events of a simulated Gas Town, to a file or to a running server.")
        {
            days, rigs, seed, zone, end, outFile, post, apiKey, batch, maxEvents,
        };
        command.Validators.Add(r =>
        {
            bool hasOut = r.GetValue(outFile) is not null, hasPost = r.GetValue(post) is not null;
            if (hasOut == hasPost) r.AddError("Give exactly one of --out FILE or --post URL.");
            if (r.GetValue(post) is { } url && !IsHttpUrl(url)) r.AddError($"--post '{url}' is not an http(s) URL.");
            if (r.GetValue(end) is { } text && !TryParseEnd(text, TimeZoneInfo.Utc, out _)) r.AddError($"--end '{text}' is not an RFC 3339 date-time or a YYYY-MM-DD date.");
            if (r.GetValue(maxEvents) is < 1) r.AddError("--max-events must be at least 1.");
        });
        command.SetAction(async (parse, invocationToken) =>
        {
            // Ctrl+C or SIGTERM stop the generator cleanly, so a half-written file is deleted, not left behind.
            using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(invocationToken);
            void Interrupt(PosixSignalContext context)
            {
                context.Cancel = true;
                interrupted.Cancel();
            }
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
            var ct = interrupted.Token;

            var timeZone = TimeZoneInfo.FindSystemTimeZoneById(parse.GetValue(zone)!);
            var simulator = new FleetSimulator(new Fleet(parse.GetValue(rigs), parse.GetValue(seed)), parse.GetValue(seed), timeZone);
            long to = parse.GetValue(end) is { } text && TryParseEnd(text, timeZone, out var e) ? e : NowNanos();
            long from = to - parse.GetValue(days) * 24L * 3600 * Instant.NanosPerSecond;
            var events = simulator.Events(from, to);
            if (parse.GetValue(maxEvents) is { } limit) events = events.Take((int)Math.Min(limit, int.MaxValue));

            var tally = new SpendTally();
            events = tally.Count(events);
            var clock = Stopwatch.StartNew();
            try
            {
                if (parse.GetValue(outFile) is { } path)
                    await WriteFileAsync(path, events, output, ct);
                else if (!await PostAsync(parse.GetValue(post)!, parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("GASOMETER_API_KEY"),
                             parse.GetValue(batch), events, error, ct))
                    return 1;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                error.WriteLine(parse.GetValue(outFile) is null ? $"simulate: interrupted after posting part of {tally.Events:N0} events." : $"simulate: interrupted after {tally.Events:N0} events; no file was written.");
                return 130;
            }

            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"simulate: {tally.Events:N0} events, {tally.Sessions:N0} sessions, {tally.Runs:N0} runs, ${Usd.FromNanos(tally.SpendNanos):N2} spent, in {clock.Elapsed.TotalSeconds:F1} s"));
            return 0;
        });
        return command;
    }

    static Command DemoCommand(TextWriter output, TextWriter error)
    {
        var days = DaysOption(90);
        var rigs = RigsOption(5);
        var seed = SeedOption();
        var zone = ZoneOption();
        var speed = new Option<double?>("--speed")
        {
            Description = "Simulated minutes per real second once the history is filled; default real time (1/60).",
            Validators = { r => { if (TryValue<double?>(r, out var n) && n is <= 0 or > 10_000) r.AddError("--speed must be above 0 and at most 10000."); } },
        };
        var database = new Option<string>("--db")
        {
            Description = "SQLite file of the demo, never the real database.",
            DefaultValueFactory = _ => DemoServer.DefaultDatabasePath,
        };
        var fresh = new Option<bool>("--fresh") { Description = "Delete the demo database and generate it again." };

        var command = new Command("demo", "Start the server on a demo database filled with a simulated town, and keep the town running live. Other arguments (--urls ...) go to the server.")
        {
            days, rigs, seed, zone, speed, database, fresh,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var options = new DemoOptions(parse.GetValue(days), parse.GetValue(rigs), parse.GetValue(seed), parse.GetValue(zone)!,
                parse.GetValue(speed) ?? 1.0 / 60, parse.GetValue(database)!, parse.GetValue(fresh));
            return await DemoServer.RunAsync(options, parse.UnmatchedTokens.ToArray(), output, ct);
        });
        return command;
    }

    static async Task WriteFileAsync(string path, IEnumerable<CostSnapshot> events, TextWriter output, CancellationToken ct)
    {
        if (path == "-")
        {
            await using var stdout = Console.OpenStandardOutput();
            await using var buffered = new BufferedStream(stdout, 1 << 16);
            StopHookLines.WriteAll(buffered, events);
            return;
        }
        // Written beside the target and moved into place at the end: a failed run leaves no half file.
        var full = Path.GetFullPath(path);
        var partial = full + ".partial";
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                StopHookLines.WriteAll(file, events, _ => ct.ThrowIfCancellationRequested());
            File.Move(partial, full, overwrite: true);
            output.WriteLine($"Wrote {full}");
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    static async Task<bool> PostAsync(string url, string? apiKey, int batchSize, IEnumerable<CostSnapshot> events, TextWriter error, CancellationToken ct)
    {
        var target = new Uri(url.TrimEnd('/').EndsWith("/api/ingest/batch", StringComparison.Ordinal) ? url : url.TrimEnd('/') + "/api/ingest/batch");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        if (!string.IsNullOrEmpty(apiKey)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

        foreach (var chunk in events.Chunk(batchSize))
        {
            var body = new MemoryStream();
            StopHookLines.WriteAll(body, chunk);
            body.Position = 0;
            using var content = new StreamContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(target, content, ct);
            }
            catch (HttpRequestException e)
            {
                error.WriteLine($"simulate: cannot reach {target}: {e.Message}");
                return false;
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode || RejectedCount(text) > 0)
                {
                    error.WriteLine($"simulate: {target} answered {(int)response.StatusCode}: {text}");
                    return false;
                }
            }
        }
        return true;
    }

    static long RejectedCount(string responseBody)
    {
        try
        {
            using var document = JsonDocument.Parse(responseBody);
            return document.RootElement.TryGetProperty("rejected_count", out var count) && count.TryGetInt64(out var n) ? n : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    static bool TryParseEnd(string text, TimeZoneInfo zone, out long unixNanos)
    {
        unixNanos = 0;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var utc = TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.MinValue), zone);
            unixNanos = (utc.Ticks - DateTime.UnixEpoch.Ticks) * 100;
            return true;
        }
        if (!Instant.TryParse(text, out var instant, out _)) return false;
        unixNanos = instant.UnixNanos;
        return true;
    }

    internal static long NowNanos() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>
    /// Counts what streams past for the closing summary, with the running-total rules of DESIGN.md
    /// section 3; keeps one value per session, so memory stays flat.
    /// </summary>
    sealed class SpendTally
    {
        readonly Dictionary<string, long> lastValue = new(StringComparer.Ordinal);

        public long Events { get; private set; }
        public long Runs { get; private set; }
        public long SpendNanos { get; private set; }
        public int Sessions => lastValue.Count;

        public IEnumerable<CostSnapshot> Count(IEnumerable<CostSnapshot> events)
        {
            foreach (var s in events)
            {
                Events++;
                if (!s.CarriesNoData)
                {
                    bool known = lastValue.TryGetValue(s.SessionId, out long last);
                    if (!known || s.CostNanos < last)
                    {
                        Runs++;
                        SpendNanos += s.CostNanos;
                    }
                    else SpendNanos += s.CostNanos - last;
                    lastValue[s.SessionId] = s.CostNanos;
                }
                yield return s;
            }
        }
    }
}
