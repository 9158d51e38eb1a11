using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Gasometer.Bench.Live;

/// <summary>
/// N WebSocket clients on loopback, a steady rate of single-event ingests for a fixed time. Every
/// event carries its sequence number (as worker), so each client turns each message into an
/// ingest-to-client latency: from just before the POST was sent to when the client read the
/// message. Checks that every client receives every event exactly once, in id order.
/// </summary>
public static class Program
{
    const int MicrosPerBin = 100;          // histogram resolution: 0.1 ms
    const int Bins = 600_000;              // up to 60 s

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "post") return await PostLoadAsync(args);
        var options = Options.Parse(args);
        ThreadPool.SetMinThreads(64, 64);
        var folder = Directory.CreateTempSubdirectory("gasometer-live-bench-").FullName;
        int port = FreePort();
        var server = StartServer(options, folder, port);
        try
        {
            return await RunAsync(options, server, new Uri($"http://127.0.0.1:{port}"));
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    static async Task<int> RunAsync(Options options, Process server, Uri address)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        await UntilHealthyAsync(http, server);
        var memory = new MemorySampler(server.Id);

        long total = (long)options.Rate * options.Seconds;
        var histogram = new long[Bins + 1];
        var warmupHistogram = new long[Bins + 1];
        var clients = new FeedClient[options.Clients];

        Console.WriteLine($"Connecting {options.Clients} clients to {address} ...");
        var connectWatch = Stopwatch.StartNew();
        for (int start = 0; start < clients.Length; start += 50)
        {
            var batch = Enumerable.Range(start, Math.Min(50, clients.Length - start))
                .Select(async i => clients[i] = await FeedClient.ConnectAsync(address, histogram, warmupHistogram));
            await Task.WhenAll(batch);
        }
        Console.WriteLine($"Connected in {connectWatch.Elapsed.TotalSeconds:F1} s; server RSS {memory.Sample() / 1024 / 1024} MiB");

        // One event first proves every client is registered before the load starts.
        await PostAsync(http, 0);
        await UntilAsync(() => clients.All(c => c.Received >= 1), TimeSpan.FromSeconds(60), "first event");
        long warmupEvents = (long)options.Rate * options.Warmup;
        Array.Clear(histogram);
        Array.Clear(warmupHistogram);
        FeedClient.WarmupEvents = warmupEvents;
        long idOffset = (clients.Length == 0 ? 1 : clients[0].LastId) + warmupEvents; // the feed id before the measured events; event n then has id idOffset + n

        // A long-running server has long since compiled its hot paths with the optimizing JIT; under this
        // load its first seconds (and the clients') still run tier-0 code and fall behind, so one load
        // generator posts the warm-up and then, without a pause, the measured events, and each phase's
        // figures are kept apart (by the event number in the worker field) and printed.
        var loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine($"Posting {options.Rate} events/s for {options.Warmup} s of warm-up, then {options.Seconds} s measured, from a separate process ...");
        var clock = new Stopwatch();
        double serverCpuStart = 0, clientsCpuStart = 0;
        using var sampling = new Timer(_ => memory.Sample(), null, 0, 1000);
        var load = await RunLoadGeneratorAsync(address, options, onMeasuring: () =>
        {
            clock.Start();
            serverCpuStart = CpuSeconds(server.Id);
            clientsCpuStart = CpuSeconds(Environment.ProcessId);
        });
        var postingTime = clock.Elapsed;

        long expected = 1 + warmupEvents + total;
        bool complete = await UntilAsync(() => clients.All(c => c.Received >= expected || c.Failed is not null), TimeSpan.FromSeconds(60), null);
        var drainTime = clock.Elapsed - postingTime;
        double serverCpu = CpuSeconds(server.Id) - serverCpuStart, clientsCpu = CpuSeconds(Environment.ProcessId) - clientsCpuStart;
        var wall = clock.Elapsed.TotalSeconds;
        memory.Sample();

        long deliveries = clients.Sum(c => c.Received);
        int perfect = clients.Count(c => c.Received == expected && c.OutOfOrder == 0);
        long outOfOrder = clients.Sum(c => c.OutOfOrder);
        var failed = clients.Where(c => c.Failed is not null).Select(c => c.Failed!).ToList();
        long lastIdSeen = clients.Length == 0 ? 0 : clients.Max(c => c.LastId);

        Console.WriteLine();
        Console.WriteLine("== Live feed benchmark");
        Console.WriteLine($"machine           {Environment.ProcessorCount} cores, 1-minute load average {loadBefore} at the start, {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end (other work on the machine included)");
        Console.WriteLine($"storage           {(options.Postgres is null ? "SQLite (synchronous=FULL)" : "PostgreSQL")}");
        Console.WriteLine($"clients           {options.Clients}");
        Console.WriteLine($"events posted     {load.Posted} in {load.Seconds:F1} s ({load.Posted / load.Seconds:F0}/s), {load.Failures} failed");
        Console.WriteLine($"warm-up           {warmupEvents} events in {options.Warmup} s first: POST p50 {load.WarmupP50} ms, p99 {load.WarmupP99} ms; ingest->client p50 {HistogramPercentile(warmupHistogram, 0.50)} ms, p99 {HistogramPercentile(warmupHistogram, 0.99)} ms");
        Console.WriteLine($"POST latency      p50 {load.P50} ms, p99 {load.P99} ms (measured by the load generator)");
        Console.WriteLine($"deliveries        {deliveries} of {expected * options.Clients} ({(complete ? "all arrived" : "INCOMPLETE")}, last {drainTime.TotalSeconds:F1} s after the last POST)");
        Console.WriteLine($"clients complete  {perfect} of {options.Clients} received every event once, in id order; {outOfOrder} out-of-order or repeated ids; {failed.Count} clients failed");
        Console.WriteLine($"ids               before the measured events {idOffset}, last {lastIdSeen} (expected {idOffset + total})");
        Console.WriteLine($"ingest->client    p50 {HistogramPercentile(histogram, 0.50)} ms, p90 {HistogramPercentile(histogram, 0.90)} ms, p99 {HistogramPercentile(histogram, 0.99)} ms, p99.9 {HistogramPercentile(histogram, 0.999)} ms, max {HistogramPercentile(histogram, 1.0)} ms");
        Console.WriteLine($"CPU               server {serverCpu:F1} s ({serverCpu / wall:F2} cores), clients {clientsCpu:F1} s ({clientsCpu / wall:F2} cores), load generator {load.CpuSeconds:F1} s ({load.CpuSeconds / wall:F2} cores) over {wall:F1} s");
        Console.WriteLine($"server memory     RSS peak {memory.PeakBytes / 1024 / 1024} MiB, at end {memory.LastBytes / 1024 / 1024} MiB (before clients {memory.FirstBytes / 1024 / 1024} MiB)");
        foreach (var reason in failed.GroupBy(f => f).Take(5)) Console.WriteLine($"  client failure x{reason.Count()}: {reason.Key}");

        foreach (var c in clients) c.Dispose();
        return complete && perfect == options.Clients && load.Failures == 0 ? 0 : 1;
    }

    /// <summary>Event n: one of 100 sessions, running totals that only grow, "n@sent-timestamp" as the worker.</summary>
    static string Event(long n, long sentAt)
    {
        long session = n % 100, step = n / 100 + 1;
        var endedAt = new DateTime(2026, 3, 7, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(n).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return $$"""{"session_id":"bench-{{session}}","role":"polecat","worker":"{{n}}@{{sentAt}}","rig":"bench","cost_usd":{{step * 0.0125m}},"input_tokens":{{step * 1000}},"output_tokens":{{step * 300}},"model":"claude-sonnet-4-5","ended_at":"{{endedAt}}"}""";
    }

    /// <summary>
    /// The load generator runs as its own process, as the hooks of a real fleet would: in the clients'
    /// process its requests waited behind a thousand receive loops, and POST latency measured that.
    /// It prints "measuring" when the warm-up's events are all sent, then one line of figures.
    /// </summary>
    static async Task<LoadResult> RunLoadGeneratorAsync(Uri address, Options options, Action onMeasuring)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { "post", address.ToString(), options.Rate.ToString(CultureInfo.InvariantCulture), options.Warmup.ToString(CultureInfo.InvariantCulture), options.Seconds.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        using var poster = Process.Start(start) ?? throw new InvalidOperationException("Could not start the load generator");
        string? line, last = null;
        while ((line = await poster.StandardOutput.ReadLineAsync()) is not null)
        {
            if (line == "measuring") onMeasuring();
            else last = line;
        }
        await poster.WaitForExitAsync();
        var f = (last ?? "").Trim().Split(' ');
        if (poster.ExitCode != 0 || f.Length != 8) throw new InvalidOperationException("Load generator failed: " + last);
        return new LoadResult(long.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture),
            double.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture),
            long.Parse(f[4], CultureInfo.InvariantCulture), double.Parse(f[5], CultureInfo.InvariantCulture),
            long.Parse(f[6], CultureInfo.InvariantCulture), long.Parse(f[7], CultureInfo.InvariantCulture));
    }

    sealed record LoadResult(long Posted, int Failures, double Seconds, long P50, long P99, double CpuSeconds, long WarmupP50, long WarmupP99);

    /// <summary>
    /// LiveBench post URL RATE WARMUP SECONDS: posts events 1..RATE*(WARMUP+SECONDS) at a steady rate,
    /// prints "measuring" when the warm-up's are sent, then one line of figures for the measured ones
    /// (count, failures, seconds, POST p50 and p99, CPU) and the warm-up's POST p50 and p99.
    /// </summary>
    static async Task<int> PostLoadAsync(string[] args)
    {
        var address = new Uri(args[1]);
        int rate = int.Parse(args[2], CultureInfo.InvariantCulture);
        long warmup = (long)rate * int.Parse(args[3], CultureInfo.InvariantCulture);
        long total = warmup + (long)rate * int.Parse(args[4], CultureInfo.InvariantCulture);
        ThreadPool.SetMinThreads(64, 64);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var latencies = new long[total + 1];
        int failures = 0;
        var posts = new List<Task>((int)total);
        var clock = Stopwatch.StartNew();
        var measured = new Stopwatch();
        double cpuStart = 0;
        long next = 1;
        while (next <= total)
        {
            long due = (long)(clock.Elapsed.TotalSeconds * rate) + 1;
            for (; next <= Math.Min(due, total); next++)
            {
                long n = next;
                if (n == warmup + 1)
                {
                    measured.Start();
                    cpuStart = CpuSeconds(Environment.ProcessId);
                    Console.WriteLine("measuring");
                }
                posts.Add(Task.Run(async () =>
                {
                    try { latencies[n] = await PostAsync(http, n); }
                    catch (Exception) { if (n > warmup) Interlocked.Increment(ref failures); }
                }));
            }
            await Task.Delay(1);
        }
        await Task.WhenAll(posts);
        var elapsed = measured.Elapsed.TotalSeconds;
        double cpu = CpuSeconds(Environment.ProcessId) - cpuStart;
        var measuredLatencies = latencies.Skip(1 + (int)warmup).ToList();
        var warmupLatencies = latencies.Skip(1).Take((int)warmup).DefaultIfEmpty().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{total - warmup} {failures} {elapsed:F3} {Percentile(measuredLatencies, 0.50)} {Percentile(measuredLatencies, 0.99)} {cpu:F2} {Percentile(warmupLatencies, 0.50)} {Percentile(warmupLatencies, 0.99)}"));
        return 0;
    }

    /// <summary>Posts event n, stamped with the moment it is sent (a monotonic clock all processes on the machine share).</summary>
    static async Task<long> PostAsync(HttpClient http, long n)
    {
        long start = Stopwatch.GetTimestamp();
        var content = new StringContent(Event(n, start), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/ingest", content);
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"POST answered {(int)response.StatusCode}");
        return (long)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>User plus system CPU time of a process, from /proc/PID/stat (clock ticks of 1/100 s on Linux).</summary>
    static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    static long Percentile(IEnumerable<long> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    static string HistogramPercentile(long[] histogram, double p)
    {
        long count = histogram.Sum();
        long target = Math.Max(1, (long)Math.Ceiling(p * count)), seen = 0;
        for (int i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= target) return (i * MicrosPerBin / 1000.0).ToString("F1", CultureInfo.InvariantCulture);
        }
        return "n/a";
    }

    static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan limit, string? failure)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                if (failure is not null) throw new TimeoutException("Timed out waiting for the " + failure);
                return false;
            }
            await Task.Delay(20);
        }
        return true;
    }

    static async Task UntilHealthyAsync(HttpClient http, Process server)
    {
        for (int i = 0; i < 300; i++)
        {
            if (server.HasExited) throw new InvalidOperationException($"The server exited with {server.ExitCode}");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The server did not become healthy");
    }

    static Process StartServer(Options options, string folder, int port)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(Path.GetFullPath(options.Server));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        if (options.Postgres is null) start.ArgumentList.Add($"--Gasometer:SqlitePath={Path.Combine(folder, "bench.db")}");
        else start.ArgumentList.Add($"--ConnectionStrings:Gasometer={options.Postgres}");
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the server");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    sealed record Options(string Server, int Clients, int Rate, int Seconds, int Warmup, string? Postgres)
    {
        public static Options Parse(string[] args)
        {
            string? Value(string name)
            {
                int i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            }
            return new Options(
                Value("--server") ?? throw new ArgumentException("--server PATH/gasometer.dll is required"),
                int.Parse(Value("--clients") ?? "1000", CultureInfo.InvariantCulture),
                int.Parse(Value("--rate") ?? "500", CultureInfo.InvariantCulture),
                int.Parse(Value("--seconds") ?? "60", CultureInfo.InvariantCulture),
                int.Parse(Value("--warmup") ?? "15", CultureInfo.InvariantCulture),
                Value("--postgres"));
        }
    }

    /// <summary>The server process's resident memory, read from /proc.</summary>
    sealed class MemorySampler(int pid)
    {
        public long FirstBytes { get; private set; } = -1;
        public long PeakBytes { get; private set; }
        public long LastBytes { get; private set; }

        public long Sample()
        {
            try
            {
                var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                long bytes = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                if (FirstBytes < 0) FirstBytes = bytes;
                lock (this) PeakBytes = Math.Max(PeakBytes, bytes);
                LastBytes = bytes;
                return bytes;
            }
            catch (IOException)
            {
                return LastBytes;
            }
        }
    }

    /// <summary>One client: reads messages as they come and turns each into a latency, without parsing whole JSON.</summary>
    sealed class FeedClient : IDisposable
    {
        static readonly byte[] IdKey = "\"id\":"u8.ToArray();
        static readonly byte[] WorkerKey = "\"worker\":\""u8.ToArray();

        readonly ClientWebSocket socket;
        readonly long[] histogram, warmupHistogram;
        long received;

        FeedClient(ClientWebSocket socket, long[] histogram, long[] warmupHistogram)
        {
            this.socket = socket;
            this.histogram = histogram;
            this.warmupHistogram = warmupHistogram;
        }

        public long Received => Volatile.Read(ref received);
        public long LastId { get; private set; }
        public long OutOfOrder { get; private set; }
        public string? Failed { get; private set; }

        /// <summary>Events numbered up to this are the warm-up's, recorded in their own histogram.</summary>
        public static long WarmupEvents;

        public static async Task<FeedClient> ConnectAsync(Uri server, long[] histogram, long[] warmupHistogram)
        {
            var socket = new ClientWebSocket();
            socket.Options.SetBuffer(16 * 1024, 4 * 1024); // a fan-out tick of a busy feed (a dozen messages) in one read
            var uri = new UriBuilder(server) { Scheme = "ws", Path = "/ws/live" }.Uri;
            await socket.ConnectAsync(uri, CancellationToken.None);
            var client = new FeedClient(socket, histogram, warmupHistogram);
            var buffer = new byte[4096];
            var first = await socket.ReceiveAsync(buffer, CancellationToken.None);
            var text = Encoding.UTF8.GetString(buffer, 0, first.Count);
            if (text != """{"type":"connected","message":"Gasometer live feed"}""") throw new InvalidOperationException("Unexpected greeting " + text);
            _ = client.ReadAsync();
            return client;
        }

        async Task ReadAsync()
        {
            var buffer = new byte[8192];
            try
            {
                while (true)
                {
                    int length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                        length += result.Count;
                    } while (!result.EndOfMessage && length < buffer.Length);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        Failed = $"closed by the server: {socket.CloseStatus} {socket.CloseStatusDescription}";
                        return;
                    }
                    long now = Stopwatch.GetTimestamp();
                    Record(buffer.AsSpan(0, length), now);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                Failed ??= "connection lost: " + e.Message;
            }
        }

        void Record(ReadOnlySpan<byte> message, long now)
        {
            long id = NumberAfter(message, IdKey);
            if (LastId != 0 && id != LastId + 1) OutOfOrder++;
            LastId = id;
            // The worker is "n@timestamp": the event's number, and when the load generator sent it.
            int at = message.IndexOf(WorkerKey);
            var worker = at < 0 ? default : message[(at + WorkerKey.Length)..];
            int separator = worker.IndexOf((byte)'@');
            if (separator > 0 && Utf8Parser.TryParse(worker[..separator], out long n, out _) && n > 0
                && Utf8Parser.TryParse(worker[(separator + 1)..], out long sentAt, out _))
            {
                long micros = (long)(Stopwatch.GetElapsedTime(sentAt, now).TotalMicroseconds);
                Interlocked.Increment(ref (n <= WarmupEvents ? warmupHistogram : histogram)[Math.Clamp(micros / MicrosPerBin, 0, Bins)]);
            }
            Interlocked.Increment(ref received);
        }

        static long NumberAfter(ReadOnlySpan<byte> message, byte[] key)
        {
            int at = message.IndexOf(key);
            if (at < 0) return -1;
            return Utf8Parser.TryParse(message[(at + key.Length)..], out long value, out _) ? value : -1;
        }

        public void Dispose()
        {
            socket.Abort();
            socket.Dispose();
        }
    }
}
