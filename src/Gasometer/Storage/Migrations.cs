using System.Data.Common;
using System.Reflection;
using Dapper;

namespace Gasometer.Storage;

/// <summary>
/// Versioned schema migrations, one folder of numbered SQL files per engine, applied in order at
/// start-up inside a transaction each; a database made by an older version upgrades in place.
/// </summary>
public static class Migrations
{
    // Any fixed number: serializes instances that start at once against one PostgreSQL.
    const long PostgresMigrationLock = 0x6761736F6D657472;

    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> For(Engine engine)
    {
        var folder = engine == Engine.Sqlite ? ".sqlite." : ".postgres.";
        var assembly = typeof(Migrations).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations" + folder, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[(n.IndexOf(folder, StringComparison.Ordinal) + folder.Length)..];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new Migration(int.Parse(file[..4]), file, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    /// <summary>Applies every migration not yet applied, up to <paramref name="upToVersion"/> when given (tests use it to build an older database).</summary>
    public static async Task<int> ApplyAsync(Database database, int? upToVersion = null, CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        if (database.Engine == Engine.Sqlite)
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        else
            await connection.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key = PostgresMigrationLock });

        try
        {
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
            var applied = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations")).ToHashSet();
            int count = 0;
            foreach (var migration in For(database.Engine))
            {
                if (upToVersion is { } max && migration.Version > max) break;
                if (applied.Contains(migration.Version)) continue;
                await using var tx = await connection.BeginTransactionAsync(ct);
                // Asked again inside the write transaction (SQLite: BEGIN IMMEDIATE, so one process at a
                // time): a server and an import started together on a new file both read "not applied"
                // above, and the second then failed on "table snapshots already exists".
                if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations WHERE version = @Version",
                        new { migration.Version }, tx) > 0)
                    continue;
                await connection.ExecuteAsync(migration.Sql, transaction: tx);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @At)",
                    new { migration.Version, migration.Name, At = DateTimeOffset.UtcNow.ToString("O") }, tx);
                await tx.CommitAsync(ct);
                count++;
            }
            return count;
        }
        finally
        {
            if (database.Engine == Engine.Postgres)
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = PostgresMigrationLock });
        }
    }

    public static async Task<int> CurrentVersionAsync(DbConnection connection) =>
        await connection.ExecuteScalarAsync<int?>("SELECT MAX(version) FROM schema_migrations") ?? 0;
}
