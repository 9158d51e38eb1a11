using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gasometer.Storage;

public enum Engine { Sqlite, Postgres }

/// <summary>
/// The one storage handle: which engine, how to open a connection, and the few places where the
/// two SQL dialects differ. Everything else writes plain parameterized SQL that both engines run.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    readonly string connectionString;
    readonly NpgsqlDataSource? postgres;

    // Columns are snake_case, C# properties PascalCase.
    static Database() => Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

    Database(Engine engine, string connectionString, string description, string? sqlitePath = null)
    {
        Engine = engine;
        SqlitePath = sqlitePath;
        this.connectionString = connectionString;
        Description = description;
        if (engine == Engine.Postgres) postgres = NpgsqlDataSource.Create(connectionString);
    }

    public Engine Engine { get; }

    /// <summary>The SQLite database file's full path (null on PostgreSQL).</summary>
    public string? SqlitePath { get; }

    /// <summary>How long a SQLite connection waits for another's lock before giving up with SQLITE_BUSY.</summary>
    public const int BusyTimeoutMs = 30_000;

    /// <summary>Where the data lives, without secrets, for logs and the health check.</summary>
    public string Description { get; }

    public static Database Sqlite(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        };
        return new Database(Engine.Sqlite, builder.ToString(), $"sqlite:{full}", full);
    }

    /// <summary>
    /// How many statements each PostgreSQL connection keeps prepared on the server (Npgsql prepares a
    /// statement once a connection has run it five times). The writer runs the same few statements for
    /// every event; parsing and planning each of them every time held single-event ingest below 500
    /// events/s with a POST p50 of half a second (bench/live --clients 0 at 500/s: p50 563 ms; 9 ms
    /// with this). A connection string that sets Max Auto Prepare keeps its own value (0 turns it off,
    /// as a PgBouncer in transaction mode needs when its max_prepared_statements is 0, the default
    /// before 1.24). A newer instance's migration that changes a table an older instance still running
    /// uses can make a prepared statement of each of its connections fail once ("cached plan must not
    /// change result type") before it is prepared again.
    /// </summary>
    public const int AutoPreparedStatements = 64;

    public static Database Postgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!SetsKey(connectionString, "MaxAutoPrepare")) builder.MaxAutoPrepare = AutoPreparedStatements;
        return new Database(Engine.Postgres, builder.ConnectionString, $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}");
    }

    /// <summary>Whether a key=value connection string names the key, in any case and spacing.</summary>
    static bool SetsKey(string connectionString, string key) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Any(k => string.Equals(k.Replace(" ", ""), key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The PostgreSQL connection string in use, as Npgsql reads it (null on SQLite).</summary>
    public string? PostgresConnectionString => postgres?.ConnectionString;

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (postgres is not null) return await postgres.OpenConnectionAsync(ct);

        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        // Per-connection settings: FULL makes every commit durable on power loss, not only on a
        // process crash; the writer commits in groups so the fsync is paid once per group.
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {BusyTimeoutMs};";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>
    /// Serializes writers of the sessions in @Keys across server instances sharing a PostgreSQL
    /// database, taking their locks in the array's order (unnest yields the elements in order and
    /// each row's lock is taken as the row is produced) in one round trip instead of one per session.
    /// SQLite needs nothing: a write transaction already holds the database's single write lock.
    /// </summary>
    public string? SessionLockSql => Engine == Engine.Postgres
        ? "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(@Keys) AS k"
        : null;

    /// <summary>The same for agents' hours (see Ingest.SourceOverlap); its own hash seed keeps them apart from sessions.</summary>
    public string? AgentHourLockSql => Engine == Engine.Postgres
        ? "SELECT pg_advisory_xact_lock(hashtextextended(k, 1)) FROM unnest(@Keys) AS k"
        : null;

    /// <summary>
    /// "column is one of the list in parameter": Dapper expands a list into IN (...) for SQLite but
    /// hands Npgsql an array, which PostgreSQL compares with = ANY.
    /// </summary>
    public string InList(string column, string parameter) =>
        Engine == Engine.Postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    /// <summary>Case-insensitive LIKE.</summary>
    public string LikeOperator => Engine == Engine.Postgres ? "ILIKE" : "LIKE";

    /// <summary>True when an exception means the database could not be reached at all (a client should retry).</summary>
    public static bool IsUnavailable(Exception e) => e switch
    {
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException } => true,
        NpgsqlException n when n.IsTransient => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" or "3D000" } => true,
        SqliteException { SqliteErrorCode: 5 or 6 or 14 } => true, // BUSY, LOCKED, CANTOPEN
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        if (postgres is not null) await postgres.DisposeAsync();
        else SqliteConnection.ClearAllPools();
    }
}
