using System.Diagnostics;

namespace Gasometer.Import;

/// <summary>
/// The importers' running status. On a terminal one line is redrawn in place a few times a second;
/// when output goes to a file or a pipe, a plain line is written every few seconds instead, so logs
/// stay readable. Status text is built only when it is about to be shown.
/// </summary>
public sealed class ImportProgress
{
    readonly TextWriter? output;
    readonly bool interactive;
    readonly long interval;
    long nextAt;
    int drawnWidth;

    ImportProgress(TextWriter? output, bool interactive)
    {
        this.output = output;
        this.interactive = interactive;
        interval = Stopwatch.Frequency * (interactive ? 1 : 5) / (interactive ? 8 : 1);
        nextAt = Stopwatch.GetTimestamp() + interval;
    }

    /// <summary>Shows nothing (tests, embedding).</summary>
    public static ImportProgress Silent { get; } = new(null, false);

    public static ImportProgress ForConsole() => new(Console.Out, !Console.IsOutputRedirected);

    /// <summary>Cheap enough to call for every line read: the status is formatted only when due.</summary>
    public void Update(Func<string> status)
    {
        if (output is null) return;
        long now = Stopwatch.GetTimestamp();
        if (now < nextAt) return;
        nextAt = now + interval;
        Show(status());
    }

    /// <summary>A line that stays: the end of a phase or a message.</summary>
    public void Line(string text)
    {
        if (output is null) return;
        if (interactive && drawnWidth > 0)
        {
            output.Write('\r' + new string(' ', drawnWidth) + '\r');
            drawnWidth = 0;
        }
        output.WriteLine(text);
        output.Flush();
    }

    void Show(string status)
    {
        if (!interactive)
        {
            output!.WriteLine(status);
            output.Flush();
            return;
        }
        int width = Math.Max(20, (Console.IsOutputRedirected ? 120 : SafeWindowWidth()) - 1);
        if (status.Length > width) status = status[..width];
        output!.Write('\r' + status.PadRight(Math.Max(drawnWidth, status.Length)));
        output.Flush();
        drawnWidth = status.Length;
    }

    static int SafeWindowWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 120; }
        catch (IOException) { return 120; }
    }
}
