using System.Security.Cryptography;
using System.Text;

namespace Gasometer.Web;

/// <summary>
/// Bearer-token check for writes. Open when no key is configured (the seed's behaviour). Both sides
/// are hashed first so the comparison takes the same time whatever the token's length or content.
/// </summary>
public sealed class ApiKeyFilter(IConfiguration configuration) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var key = ConfiguredKey(configuration);
        if (key is null) return await next(context);

        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        bool ok = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        if (ok && presented.Length > 0) return await next(context);
        // What a client must send, as HTTP asks of every 401.
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ErrorBodies.Unauthorized();
    }

    /// <summary>GASOMETER_API_KEY as in the seed, or Gasometer:ApiKey in appsettings.json.</summary>
    public static string? ConfiguredKey(IConfiguration configuration)
    {
        var key = configuration["GASOMETER_API_KEY"];
        if (string.IsNullOrEmpty(key)) key = configuration["Gasometer:ApiKey"];
        return string.IsNullOrEmpty(key) ? null : key;
    }
}
