using System.Net.WebSockets;
using System.Text;
using Gasometer.Live;

namespace Gasometer.Tests.Live;

/// <summary>The shared frames are read back by .NET's own WebSocket client, at each length encoding's edges.</summary>
public sealed class WebSocketFrameTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(400)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    [InlineData(200_000)]
    public async Task AClientWebSocketReadsTheFrameAsOneTextMessage(int length)
    {
        var text = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + i % 26)));
        var frames = new MemoryStream();
        frames.Write(WebSocketFrame.Text(Encoding.UTF8.GetBytes(text)));
        frames.Write(WebSocketFrame.Text("after"u8));
        frames.Position = 0;
        using var client = WebSocket.CreateFromStream(frames, new WebSocketCreationOptions { IsServer = false });

        Assert.Equal(text, await ReceiveTextAsync(client));
        Assert.Equal("after", await ReceiveTextAsync(client));
    }

    static async Task<string> ReceiveTextAsync(WebSocket client)
    {
        var buffer = new byte[300_000];
        int count = 0;
        WebSocketReceiveResult result;
        do
        {
            result = await client.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), CancellationToken.None);
            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            count += result.Count;
        } while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, count);
    }
}
