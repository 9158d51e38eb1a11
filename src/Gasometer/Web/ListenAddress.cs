namespace Gasometer.Web;

/// <summary>
/// Where Kestrel listens. ASP.NET Core's own settings (--urls, ASPNETCORE_URLS, http_ports) win;
/// else PORT, as the seed and hosting platforms set it, on every interface; else the seed's
/// http://localhost:3001.
/// </summary>
public static class ListenAddress
{
    public const string Default = "http://localhost:3001";

    public static void Apply(WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        if (!string.IsNullOrEmpty(config["urls"]) || !string.IsNullOrEmpty(config["http_ports"])
            || !string.IsNullOrEmpty(config["https_ports"]) || config.GetSection("Kestrel:Endpoints").Exists())
            return;

        var port = config["PORT"];
        if (string.IsNullOrEmpty(port))
        {
            builder.WebHost.UseUrls(Default);
            return;
        }
        if (!int.TryParse(port, out var number) || number is < 1 or > 65535)
            throw new InvalidOperationException($"PORT must be a number from 1 to 65535, not '{port}'.");
        builder.WebHost.UseUrls($"http://0.0.0.0:{number}");
    }
}
