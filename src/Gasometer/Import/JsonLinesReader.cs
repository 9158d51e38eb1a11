using System.Buffers;

namespace Gasometer.Import;

/// <summary>
/// Reads a JSON Lines file one line at a time with no limit on line length: the buffer grows to the
/// longest line met (a tool result can make one line several megabytes) and no further, so a file
/// is never held whole in memory. A last line without a line break is still a line.
/// </summary>
public sealed class JsonLinesReader(Stream stream) : IDisposable
{
    const int InitialBuffer = 1 << 20;

    byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    int start, end, scanned;
    bool endOfStream;

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    public long BytesRead { get; private set; }

    /// <summary>
    /// The next line without its line break (and without a trailing CR or a leading byte-order mark);
    /// the span is valid until the next call.
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int newline = buffer.AsSpan(scanned, end - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int lineEnd = scanned + newline;
                line = Deliver(start, lineEnd);
                start = scanned = lineEnd + 1;
                return true;
            }
            scanned = end;
            if (endOfStream)
            {
                if (end > start)
                {
                    line = Deliver(start, end);
                    start = scanned = end;
                    return true;
                }
                line = default;
                return false;
            }
            Fill();
        }
    }

    void Fill()
    {
        if (start > 0)
        {
            // Slide the unfinished line to the front: usually that alone makes room.
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            scanned -= start;
            start = 0;
        }
        if (end == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, larger, 0, end);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        int read = stream.Read(buffer, end, buffer.Length - end);
        if (read == 0) endOfStream = true;
        end += read;
        BytesRead += read;
    }

    ReadOnlySpan<byte> Deliver(int from, int to)
    {
        var line = buffer.AsSpan(from, to - from);
        if (++LineNumber == 1 && line.StartsWith("\uFEFF"u8)) line = line[3..];
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        return line;
    }

    public void Dispose()
    {
        var rented = buffer;
        buffer = [];
        if (rented.Length > 0) ArrayPool<byte>.Shared.Return(rented);
    }
}
