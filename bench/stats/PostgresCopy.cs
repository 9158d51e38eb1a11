using System.Data.Common;
using Gasometer.Storage;
using Npgsql;
using NpgsqlTypes;

/// <summary>
/// Fills PostgreSQL with exactly what the ledger wrote to a SQLite staging file: the same rules
/// produced the rows, so the reads measured are the same, without the hours it takes to write
/// ten million snapshots to PostgreSQL one statement at a time.
/// </summary>
static class PostgresCopy
{
    static readonly string[] Tables = ["snapshots", "runs", "spend_rollup", "day_rollup", "rollup_zones", "transcript_hours", "ledger_totals"];

    public static async Task<long> CopyAsync(Database sqlite, Database postgres)
    {
        long rows = 0;
        await using var source = await sqlite.OpenAsync();
        await using var target = (NpgsqlConnection)await postgres.OpenAsync();
        await using (var truncate = new NpgsqlCommand($"TRUNCATE {string.Join(", ", Tables)}", target))
            await truncate.ExecuteNonQueryAsync();
        foreach (var table in Tables)
        {
            await using var read = source.CreateCommand();
            read.CommandText = $"SELECT * FROM {table}";
            await using var reader = await read.ExecuteReaderAsync();
            // snapshots.id is an identity column in PostgreSQL: it numbers the copied rows itself.
            var columns = Enumerable.Range(0, reader.FieldCount).Where(i => !(table == "snapshots" && reader.GetName(i) == "id")).ToArray();
            await using var writer = await target.BeginBinaryImportAsync(
                $"COPY {table} ({string.Join(", ", columns.Select(reader.GetName))}) FROM STDIN (FORMAT BINARY)");
            while (await reader.ReadAsync())
            {
                await writer.StartRowAsync();
                foreach (var i in columns)
                {
                    var value = reader.GetValue(i);
                    if (value is DBNull) await writer.WriteNullAsync();
                    else if (value is long l) await writer.WriteAsync(l, NpgsqlDbType.Bigint);
                    else await writer.WriteAsync((string)value, NpgsqlDbType.Text);
                }
                rows++;
            }
            await writer.CompleteAsync();
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE", target)) await analyze.ExecuteNonQueryAsync();
        return rows;
    }
}
