using Microsoft.AspNetCore.Http.Features;

namespace Gasometer.Live;

/// <summary>
/// The upgraded connection under a live client's WebSocket, able to hold writes back. Kestrel sends
/// every write to the socket at once, so five queued messages cost five sends here and five reads in
/// the client; with 1,000 clients that was most of the feed's CPU. While the client's sender drains
/// its queue the stream is corked: the frames gather in memory and go out in one write when it is
/// uncorked. Anything written while not corked (the greeting, pings, pongs, the close frame) goes
/// straight through. The WebSocket still frames each message itself; only the socket writes change.
/// </summary>
public sealed class CorkedStream(Stream inner) : Stream
{
    /// <summary>Beyond this, held frames are written out even while corked, so memory stays bounded.</summary>
    const int MaxHeldBytes = 64 * 1024;

    // Writes to the connection one at a time: the WebSocket's own sends (pings from its timer included)
    // and the uncork that flushes what was held.
    readonly SemaphoreSlim writing = new(1, 1);
    readonly MemoryStream held = new();
    bool corked;

    /// <summary>Holds writes back until <see cref="UncorkAsync"/>.</summary>
    public void Cork() => Volatile.Write(ref corked, true); // writes read it under the semaphore

    /// <summary>Writes what was held back in one write and lets later writes through.</summary>
    public async Task UncorkAsync(CancellationToken ct)
    {
        await writing.WaitAsync(ct);
        try
        {
            corked = false;
            await WriteHeldAsync(ct);
        }
        finally
        {
            writing.Release();
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        // The common case, a frame gathered while corked, completes without an async state machine.
        if (Volatile.Read(ref corked) && writing.Wait(0))
        {
            bool gathered = false;
            try
            {
                if (corked && held.Length + buffer.Length < MaxHeldBytes)
                {
                    held.Write(buffer.Span);
                    gathered = true;
                }
            }
            finally
            {
                writing.Release();
            }
            if (gathered) return ValueTask.CompletedTask;
        }
        return WriteSlowlyAsync(buffer, ct);
    }

    async ValueTask WriteSlowlyAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct)
    {
        await writing.WaitAsync(ct);
        try
        {
            if (corked)
            {
                held.Write(buffer.Span);
                if (held.Length >= MaxHeldBytes) await WriteHeldAsync(ct);
                return;
            }
            await WriteHeldAsync(ct);
            await inner.WriteAsync(buffer, ct);
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>
    /// The hub's write of whole frames in one socket write: completes at once when nothing else is
    /// writing and Kestrel takes the bytes without waiting for the client, the common case.
    /// </summary>
    public ValueTask WriteFramesAsync(ReadOnlySpan<FeedEvent> events)
    {
        if (!writing.Wait(0)) return WriteFramesLaterAsync(events.ToArray());
        ValueTask write;
        try
        {
            foreach (var e in events) held.Write(e.Frame);
            var bytes = held.GetBuffer().AsMemory(0, (int)held.Length);
            held.SetLength(0);
            write = inner.WriteAsync(bytes);
        }
        catch
        {
            writing.Release();
            throw;
        }
        if (write.IsCompletedSuccessfully)
        {
            writing.Release();
            return ValueTask.CompletedTask;
        }
        return ReleaseAfterAsync(write);
    }

    async ValueTask ReleaseAfterAsync(ValueTask write)
    {
        try
        {
            await write;
        }
        finally
        {
            writing.Release();
        }
    }

    async ValueTask WriteFramesLaterAsync(FeedEvent[] events)
    {
        await writing.WaitAsync();
        try
        {
            foreach (var e in events) held.Write(e.Frame);
            await WriteHeldAsync(CancellationToken.None);
        }
        finally
        {
            writing.Release();
        }
    }

    async Task WriteHeldAsync(CancellationToken ct)
    {
        if (held.Length == 0) return;
        var bytes = held.GetBuffer().AsMemory(0, (int)held.Length);
        held.SetLength(0); // cleared first: a failed write must not send the same frames twice
        await inner.WriteAsync(bytes, ct);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.ReadAsync(buffer, offset, count, ct);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    // The WebSocket flushes after every frame: while corked that would send what is held, one frame
    // at a time, so it waits for the uncork, which writes and flushes everything.
    public override Task FlushAsync(CancellationToken ct) => Volatile.Read(ref corked) ? Task.CompletedTask : inner.FlushAsync(ct);

    public override void Flush()
    {
        if (!Volatile.Read(ref corked)) inner.Flush();
    }

    public override bool CanRead => inner.CanRead;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    // The semaphore is left to the collector: an abort disposes the stream while a send may still wait on it.
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// Puts a <see cref="CorkedStream"/> under the WebSocket that ASP.NET Core accepts on this request
/// (HTTP/1.1 upgrade), so the handshake stays the framework's own. Installed before UseWebSockets.
/// </summary>
sealed class CorkingUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    public CorkedStream? Stream { get; private set; }

    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync() => Stream = new CorkedStream(await inner.UpgradeAsync());
}
