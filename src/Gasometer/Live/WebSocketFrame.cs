using System.Buffers.Binary;

namespace Gasometer.Live;

/// <summary>
/// A server-to-client WebSocket frame (RFC 6455 section 5.2), built once for a message that every
/// client is sent. ManagedWebSocket frames each send itself, copying the message into a fresh frame
/// per client; a server frame is never masked, so the bytes are the same for all of them and one
/// copy serves a thousand clients. Only what the feed sends: a whole text message in one frame,
/// no extensions (the feed never negotiates compression).
/// </summary>
public static class WebSocketFrame
{
    const byte FinalText = 0x81; // FIN bit and opcode 1 (text)

    public static byte[] Text(ReadOnlySpan<byte> utf8)
    {
        int headerLength = utf8.Length switch
        {
            < 126 => 2,
            <= ushort.MaxValue => 4,
            _ => 10,
        };
        var frame = new byte[headerLength + utf8.Length];
        frame[0] = FinalText;
        switch (headerLength)
        {
            case 2:
                frame[1] = (byte)utf8.Length;
                break;
            case 4:
                frame[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)utf8.Length);
                break;
            default:
                frame[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)utf8.Length);
                break;
        }
        utf8.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }
}
