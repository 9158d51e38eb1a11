using Gasometer.Live;

namespace Gasometer.Tests.Live;

public sealed class CorkedStreamTests
{
    /// <summary>A connection that remembers each write it was given, as the socket would see them.</summary>
    sealed class WriteLog : MemoryStream
    {
        public List<byte[]> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }
    }

    static byte[] Bytes(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    [Fact]
    public async Task WritesPassStraightThroughUntilCorked()
    {
        var log = new WriteLog();
        var stream = new CorkedStream(log);
        await stream.WriteAsync(Bytes("a"));
        await stream.WriteAsync(Bytes("b"));
        Assert.Equal(["a", "b"], log.Writes.Select(w => System.Text.Encoding.ASCII.GetString(w)));
    }

    [Fact]
    public async Task CorkedWritesLeaveAsOneWriteInOrderWhenUncorked()
    {
        var log = new WriteLog();
        var stream = new CorkedStream(log);
        stream.Cork();
        await stream.WriteAsync(Bytes("one,"));
        await stream.WriteAsync(Bytes("two,"));
        await stream.WriteAsync(Bytes("three"));
        Assert.Empty(log.Writes);

        await stream.UncorkAsync(CancellationToken.None);
        Assert.Equal(["one,two,three"], log.Writes.Select(w => System.Text.Encoding.ASCII.GetString(w)));

        await stream.WriteAsync(Bytes("after"));
        Assert.Equal("after", System.Text.Encoding.ASCII.GetString(log.Writes[^1]));
        Assert.Equal(2, log.Writes.Count);
    }

    [Fact]
    public async Task HeldBytesAreBoundedWhileCorked()
    {
        var log = new WriteLog();
        var stream = new CorkedStream(log);
        stream.Cork();
        var frame = new byte[10_000];
        for (int i = 0; i < 20; i++) await stream.WriteAsync(frame);
        // 200,000 bytes written while corked: some went out already, in writes of at most 64 KiB plus one frame.
        Assert.NotEmpty(log.Writes);
        Assert.All(log.Writes, w => Assert.True(w.Length <= 64 * 1024 + frame.Length));
        await stream.UncorkAsync(CancellationToken.None);
        Assert.Equal(200_000, log.Writes.Sum(w => w.Length));
    }

    [Fact]
    public async Task UncorkingWithNothingHeldWritesNothing()
    {
        var log = new WriteLog();
        var stream = new CorkedStream(log);
        stream.Cork();
        await stream.UncorkAsync(CancellationToken.None);
        Assert.Empty(log.Writes);
    }
}
