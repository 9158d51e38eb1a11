using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Live;

/// <summary>A real WebSocket client of /ws/live (ClientWebSocket over a real loopback socket).</summary>
public sealed class FeedClient : IAsyncDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    readonly ClientWebSocket socket;
    readonly HttpMessageInvoker invoker;

    FeedClient(ClientWebSocket socket, HttpMessageInvoker invoker)
    {
        this.socket = socket;
        this.invoker = invoker;
    }

    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;
    public string? CloseDescription => socket.CloseStatusDescription;

    /// <summary>
    /// Connects; <paramref name="tinyReceiveBuffer"/> shrinks the client's socket buffer so that a
    /// client that stops reading pushes back on the server after a few messages, not megabytes.
    /// </summary>
    public static async Task<FeedClient> ConnectAsync(GasometerServer server, long? since = null, string? origin = null, bool tinyReceiveBuffer = false)
    {
        var (socket, invoker) = Create(origin, tinyReceiveBuffer);
        await socket.ConnectAsync(FeedUri(server, since), invoker, CancellationToken.None);
        return new FeedClient(socket, invoker);
    }

    /// <summary>Attempts a handshake and returns the HTTP status the server answered it with.</summary>
    public static async Task<int> HandshakeStatusAsync(GasometerServer server, string? origin)
    {
        var (socket, invoker) = Create(origin, false);
        using (socket)
        using (invoker)
        {
            try
            {
                await socket.ConnectAsync(FeedUri(server, null), invoker, CancellationToken.None);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
            return (int)socket.HttpStatusCode;
        }
    }

    static Uri FeedUri(GasometerServer server, long? since) =>
        new UriBuilder(server.Address) { Scheme = "ws", Path = "/ws/live", Query = since is null ? "" : $"since={since}" }.Uri;

    static (ClientWebSocket, HttpMessageInvoker) Create(string? origin, bool tinyReceiveBuffer)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (tinyReceiveBuffer) s.ReceiveBufferSize = 2048;
                await s.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        return (socket, new HttpMessageInvoker(handler));
    }

    /// <summary>The next text message, or null when the server closed the connection.</summary>
    public async Task<string?> ReceiveAsync(TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? Patience);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return Encoding.UTF8.GetString(message.ToArray());
        }
    }

    public async Task<string> ReceiveTextAsync() =>
        await ReceiveAsync() ?? throw new InvalidOperationException($"The server closed the feed ({CloseStatus} {CloseDescription})");

    /// <summary>The next message, which must be a cost_event: its id and data.</summary>
    public async Task<(long Id, JsonElement Data)> ReceiveEventAsync()
    {
        var text = await ReceiveTextAsync();
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal("cost_event", root.GetProperty("type").GetString());
        return (root.GetProperty("id").GetInt64(), root.GetProperty("data").Clone());
    }

    /// <summary>The ids of the next <paramref name="count"/> messages, which must all be cost_events.</summary>
    public async Task<List<long>> ReceiveIdsAsync(int count)
    {
        var ids = new List<long>(count);
        for (int i = 0; i < count; i++) ids.Add((await ReceiveEventAsync()).Id);
        return ids;
    }

    public async Task CloseAsync()
    {
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        socket.Abort();
        socket.Dispose();
        invoker.Dispose();
        return ValueTask.CompletedTask;
    }
}
