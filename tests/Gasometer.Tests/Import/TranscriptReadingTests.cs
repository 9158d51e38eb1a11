using Xunit;
using System.Text;
using Gasometer.Import;
using Gasometer.Pricing;

namespace Gasometer.Tests.Import;

/// <summary>
/// The reading shortcuts of the transcript scan (lines without usage skip the JSON parser, files are
/// read in large blocks on several threads) must never change what is found.
/// </summary>
public sealed class TranscriptReadingTests
{
    const string Model = "claude-sonnet-4-5-20250929";

    static string User(string cwd, string session, string timestamp, string content) =>
        $$$"""{"parentUuid":null,"isSidechain":false,"cwd":"{{{cwd}}}","sessionId":"{{{session}}}","type":"user","message":{"role":"user","content":{{{content}}}},"uuid":"u-{{{timestamp}}}","timestamp":"{{{timestamp}}}"}""";

    static string Call(string id, string timestamp, long output, string cwd, string session, string text = "ok") =>
        TranscriptImportTests.Assistant(id, "req_" + id, Model, timestamp, 0, output, 0, 0, 0, cwd, session, text: text);

    static string Project(ImportFixture db, string name) =>
        Directory.CreateDirectory(Path.Combine(db.Folder, "projects", name)).FullName;

    [Fact]
    public async Task TextThatMentionsUsageOrAnAssistantInsideStringsIsNeverCounted()
    {
        await using var db = await ImportFixture.CreateAsync();
        const string cwd = "/home/dev/scratch", session = "5e55a0aa-0000-4000-8000-0000000000a1";
        // A tool result quoting a whole assistant line, escaped as JSON text.
        const string quoted = """{\"type\":\"assistant\",\"message\":{\"id\":\"msg_fake\",\"usage\":{\"input_tokens\":999999,\"output_tokens\":999999}},\"timestamp\":\"2026-03-10T09:00:00.000Z\"}""";
        File.WriteAllText(Path.Combine(Project(db, "-home-dev-scratch"), session + ".jsonl"), string.Join("\n",
            User(cwd, session, "2026-03-10T10:00:00.000Z", "\"go\""),
            User(cwd, session, "2026-03-10T10:00:01.000Z", $$"""[{"type":"tool_result","content":"{{quoted}}"}]"""),
            // "usage" as a real string value and "assistant" as a nested type: a full parse, still no usage.
            User(cwd, session, "2026-03-10T10:00:02.000Z", """[{"type":"tool_result","content":"usage"}],"toolUseResult":{"type":"assistant","name":"usage"}"""),
            // An assistant line without usage whose text talks about "usage":{...}
            $$"""{"cwd":"{{cwd}}","sessionId":"{{session}}","message":{"id":"msg_nousage","model":"{{Model}}","content":[{"type":"text","text":"{{quoted}}"}]},"type":"assistant","timestamp":"2026-03-10T10:00:03.000Z"}""",
            // 1,000 x 15 per million = 0.015
            Call("msg_real", "2026-03-10T10:00:04.000Z", 1_000, cwd, session, text: quoted)) + "\n");

        var s = await db.ImportTranscriptsAsync(Path.Combine(db.Folder, "projects"));

        Assert.Equal(5, s.Lines);
        Assert.Equal(0, s.SkippedCount);
        Assert.Equal(1, s.ApiCalls);
        Assert.Equal(15_000_000, s.CostNanos);
        Assert.Equal([(0L, 1_000L)], await db.QueryAsync<(long, long)>("SELECT input_tokens, output_tokens FROM runs"));
        // The session started at its first line (10:00:00), not at the quoted text's 09:00: the response came 4 s in.
        Assert.Equal([4L], await db.QueryAsync<long>("SELECT duration_sec FROM snapshots"));
    }

    [Fact]
    public async Task LinesAcrossEveryReadBlockBoundaryAreReadWhole()
    {
        await using var db = await ImportFixture.CreateAsync();
        const string cwd = "/home/dev/scratch", session = "5e55a0aa-0000-4000-8000-0000000000a2";
        var path = Path.Combine(Project(db, "-home-dev-scratch"), session + ".jsonl");
        // Tool results of uneven sizes push the responses across every block boundary a reader
        // could use (64 KiB to several MiB), and one result is longer than any block.
        var random = new Random(11);
        long expectedOutput = 0;
        var start = new DateTime(2026, 3, 10, 10, 0, 0, DateTimeKind.Utc);
        using (var w = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            for (int i = 0; i < 300; i++)
            {
                int size = i == 150 ? 9 * 1024 * 1024 : random.Next(1, 60_000);
                w.Write(User(cwd, session, $"{start.AddSeconds(2 * i):yyyy-MM-ddTHH:mm:ss.fff}Z",
                    $$"""[{"type":"tool_result","content":"{{new string('r', size)}}"}]""") + "\n");
                w.Write(Call($"msg_{i}", $"{start.AddSeconds(2 * i + 1):yyyy-MM-ddTHH:mm:ss.fff}Z", i + 1, cwd, session,
                    text: new string('t', random.Next(1, 3_000))) + "\n");
                expectedOutput += i + 1;
            }
        }

        var s = await db.ImportTranscriptsAsync(Path.Combine(db.Folder, "projects"));

        Assert.Equal(600, s.Lines);
        Assert.Equal(0, s.SkippedCount);
        Assert.Equal(300, s.ApiCalls);
        Assert.Equal(new FileInfo(path).Length, s.Bytes);
        Assert.Equal([expectedOutput], await db.QueryAsync<long>("SELECT output_tokens FROM runs"));
        Assert.Equal(expectedOutput * 15_000, s.CostNanos); // $15 per million output tokens
    }

    [Fact]
    public async Task CrlfLinesAndALastLineWithoutABreakAreRead()
    {
        await using var db = await ImportFixture.CreateAsync();
        const string cwd = "/home/dev/scratch", session = "5e55a0aa-0000-4000-8000-0000000000a3";
        File.WriteAllText(Path.Combine(Project(db, "-home-dev-scratch"), session + ".jsonl"),
            User(cwd, session, "2026-03-10T10:00:00.000Z", "\"go\"") + "\r\n" +
            Call("msg_1", "2026-03-10T10:00:01.000Z", 100, cwd, session) + "\r\n" +
            User(cwd, session, "2026-03-10T10:00:02.000Z", "\"more\"") + "\r\n" +
            Call("msg_2", "2026-03-10T10:00:03.000Z", 200, cwd, session)); // no line break at the end

        var s = await db.ImportTranscriptsAsync(Path.Combine(db.Folder, "projects"));

        Assert.Equal(4, s.Lines);
        Assert.Equal(0, s.SkippedCount);
        Assert.Equal(2, s.ApiCalls);
        Assert.Equal(300 * 15_000, s.CostNanos);
    }

    [Fact]
    public async Task ATruncatedLastLineIsSkippedAndCountedEvenWhenItCarriesUsage()
    {
        await using var db = await ImportFixture.CreateAsync();
        const string cwd = "/home/dev/scratch", session = "5e55a0aa-0000-4000-8000-0000000000a4";
        var whole = Call("msg_2", "2026-03-10T10:00:03.000Z", 200, cwd, session);
        File.WriteAllText(Path.Combine(Project(db, "-home-dev-scratch"), session + ".jsonl"),
            User(cwd, session, "2026-03-10T10:00:00.000Z", "\"go\"") + "\n" +
            Call("msg_1", "2026-03-10T10:00:01.000Z", 100, cwd, session) + "\n" +
            // Torn after the usage object closed: only the missing closing brace tells.
            whole[..^1]);

        var s = await db.ImportTranscriptsAsync(Path.Combine(db.Folder, "projects"));

        Assert.Equal(3, s.Lines);
        Assert.Equal(1, s.SkippedCount);
        Assert.Equal([3L], s.Skipped.Select(k => k.Line));
        Assert.Equal(1, s.ApiCalls);
        Assert.Equal(100 * 15_000, s.CostNanos);
    }

    [Fact]
    public async Task ACopyOfOneResponseInManyFilesBelongsToItsEarliestCopyWhicheverFileIsReadFirst()
    {
        // Copies of one response in many files: the earliest copy's session keeps it, whichever
        // reader finishes first.
        await using var db = await ImportFixture.CreateAsync();
        const string cwd = "/home/dev/scratch";
        var project = Project(db, "-home-dev-scratch");
        for (int f = 0; f < 40; f++)
        {
            var session = $"5e55a0aa-0000-4000-8000-{f:D12}";
            var lines = new List<string> { User(cwd, session, $"2026-03-10T10:{f:D2}:00.000Z", "\"go\"") };
            // Every file replays msg_shared; file 7 holds its earliest copy (09:00) and the largest total.
            string at = f == 7 ? "2026-03-10T09:00:00.000Z" : "2026-03-10T09:30:00.000Z";
            lines.Add(Call("msg_shared", at, f == 7 ? 500 : 50, cwd, session));
            lines.Add(Call($"msg_own_{f}", $"2026-03-10T10:{f:D2}:30.000Z", 10, cwd, session, text: new string('x', 200_000)));
            File.WriteAllText(Path.Combine(project, session + ".jsonl"), string.Join("\n", lines) + "\n");
        }

        var s = await db.ImportTranscriptsAsync(Path.Combine(db.Folder, "projects"));

        Assert.Equal(41, s.ApiCalls);
        Assert.Equal((500 + 40 * 10) * 15_000, s.CostNanos);
        Assert.Equal([510L], await db.QueryAsync<long>(
            "SELECT output_tokens FROM runs WHERE session_id = '5e55a0aa-0000-4000-8000-000000000007'"));
        Assert.Equal(40, await db.ScalarAsync<long>("SELECT COUNT(*) FROM runs"));
    }

    [Fact]
    public async Task ADatabaseThatFailsWhileFilesAreReadReportsItsOwnError()
    {
        // The command prepares the database while it reads; the reading stops and the database's
        // error, not a cancellation, reaches the user.
        var failing = Task.FromException<ImportBatch>(new InvalidOperationException("database is locked"));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => TranscriptImport.RunAsync(
            failing, PriceTable.Default, [Samples.Transcripts], ImportProgress.Silent));
        Assert.Equal("database is locked", e.Message);
    }
}
