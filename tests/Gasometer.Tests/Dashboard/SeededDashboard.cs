using System.Net.Http.Json;
using System.Text.Json;
using Gasometer.Storage;
using Gasometer.Tests.Hosting;

namespace Gasometer.Tests.Dashboard;

/// <summary>A real server on a fresh SQLite file holding <see cref="DashboardFleet"/>, ingested through the real batch API.</summary>
public sealed class SeededDashboard : IAsyncLifetime
{
    TestDatabase? database;
    GasometerServer? server;

    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(Chromium.Zone);

    public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;
    public DashboardFleet Fleet { get; private set; } = new();
    public GasometerServer Server => server ?? throw new InvalidOperationException("not started");

    public string Today => ExpectedText.Date(Now, Zone);

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(Engine.Sqlite);
        server = await GasometerServer.StartAsync(database);
        Fleet = DashboardFleet.Build(Now, Zone);
        var response = await server.PostJsonAsync("/api/ingest/batch", Fleet.BatchJson());
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201) throw new InvalidOperationException($"Fleet ingest failed: {(int)response.StatusCode} {body}");
    }

    /// <summary>GET an API path on the server (the tz is added), as JSON.</summary>
    public async Task<JsonElement> ApiAsync(string pathAndQuery)
    {
        var separator = pathAndQuery.Contains('?') ? '&' : '?';
        var url = $"{pathAndQuery}{separator}tz={Uri.EscapeDataString(Chromium.Zone)}";
        return await Server.Client.GetFromJsonAsync<JsonElement>(url);
    }

    /// <summary>The total and session count the "Filtered range" line must show, from /api/stats/roles.</summary>
    public async Task<(decimal Usd, long Sessions)> RangeTotalAsync(string from, string to, string filters = "")
    {
        var roles = await ApiAsync($"/api/stats/roles?from={from}&to={to}{filters}");
        decimal usd = 0;
        long sessions = 0;
        foreach (var row in roles.GetProperty("data").EnumerateArray())
        {
            usd += ExpectedText.Amount(row, "total_usd");
            sessions += row.GetProperty("session_count").GetInt64();
        }
        return (usd, sessions);
    }

    public async Task DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
    }
}
