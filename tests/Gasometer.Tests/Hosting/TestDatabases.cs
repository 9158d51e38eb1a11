using System.Reflection;
using Gasometer.Storage;
using Npgsql;
using Xunit.Sdk;

namespace Gasometer.Tests.Hosting;

/// <summary>
/// A fresh, empty database per test on either engine: a new SQLite file in a temp folder, or a new
/// database on the throwaway PostgreSQL server that ./test.sh starts (GASOMETER_TEST_POSTGRES).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "GASOMETER_TEST_POSTGRES";

    TestDatabase(Engine engine, string setting, string value, string? postgresName, string? folder)
    {
        Engine = engine;
        SettingKey = setting;
        SettingValue = value;
        this.postgresName = postgresName;
        this.folder = folder;
    }

    readonly string? postgresName;
    readonly string? folder;

    public Engine Engine { get; }

    /// <summary>The configuration key and value that point the server at this database.</summary>
    public string SettingKey { get; }
    public string SettingValue { get; }

    public string[] ServerArgs => [$"--{SettingKey}={SettingValue}"];

    public Database Open() => Engine == Engine.Sqlite ? Database.Sqlite(SettingValue) : Database.Postgres(SettingValue);

    public static async Task<TestDatabase> CreateAsync(Engine engine)
    {
        if (engine == Engine.Sqlite)
        {
            var folder = Path.Combine(Path.GetTempPath(), "gasometer-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return new TestDatabase(engine, "Gasometer:SqlitePath", Path.Combine(folder, "gasometer.db"), null, folder);
        }

        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrEmpty(server))
            throw new InvalidOperationException(
                $"PostgreSQL tests need a server: run ./test.sh, which starts a throwaway one, or set {PostgresVariable} to an admin connection string.");
        var name = "gasometer_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return new TestDatabase(engine, "ConnectionStrings:Gasometer", connection, name, null);
    }

    /// <summary>Removes the database under a running server, to see how it reacts to storage that is gone.</summary>
    public async Task DropAsync()
    {
        if (postgresName is null) throw new InvalidOperationException("Only PostgreSQL test databases can be dropped");
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresVariable));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresName} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (postgresName is not null) await DropAsync();
        if (folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>Runs a theory once per storage engine: every storage test holds on SQLite and on PostgreSQL.</summary>
public sealed class BothEnginesAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        [[Engine.Sqlite], [Engine.Postgres]];
}
