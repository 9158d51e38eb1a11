using System.Net.Http.Json;
using System.Text.Json;
using Gasometer.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gasometer.Tests.Hosting;

/// <summary>
/// The real server (the same Program.BuildServerAsync as production) on Kestrel on a free loopback
/// port, with an HttpClient that talks real HTTP to it.
/// </summary>
public sealed class GasometerServer : IAsyncDisposable
{
    GasometerServer(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public WebApplication App { get; }
    public Uri Address { get; }
    public HttpClient Client { get; }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static Task<GasometerServer> StartAsync(TestDatabase database, params string[] extraArgs) =>
        StartAsync(database, null, extraArgs);

    /// <summary>A server whose clock stands still at <paramref name="now"/>: "today" is the test's choice.</summary>
    public static Task<GasometerServer> StartAtAsync(TestDatabase database, DateTimeOffset now, params string[] extraArgs) =>
        StartAsync(database, b => b.Services.AddSingleton<TimeProvider>(new FixedClock(now)), extraArgs);

    sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }

    public static async Task<GasometerServer> StartAsync(TestDatabase database, Action<WebApplicationBuilder>? customize, params string[] extraArgs)
    {
        string[] args = ["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
            .. database.ServerArgs, .. extraArgs];
        var app = await Program.BuildServerAsync(args, customize);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GasometerServer(app, new Uri(address));
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public async Task<string> GetStringAsync(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public async Task PostAllAsync(IEnumerable<string> events)
    {
        var response = await PostJsonAsync("/api/ingest/batch", "[" + string.Join(",", events) + "]");
        Assert.Equal(201, (int)response.StatusCode);
    }

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>());

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
