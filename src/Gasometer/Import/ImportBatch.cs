using System.Data.Common;
using Gasometer.Ingest;
using Gasometer.Storage;

namespace Gasometer.Import;

/// <summary>
/// Writes imported snapshots through the same <see cref="SnapshotStore"/> rules as the API, a batch
/// per transaction: a batch is either stored whole or not at all, and a batch of a few thousand
/// snapshots shares one durable commit.
/// </summary>
public sealed class ImportBatch(Database database, SnapshotStore store)
{
    public const int TargetSnapshots = 4_000;

    /// <summary>
    /// Applies the snapshots and whatever else belongs with them in the same transaction.
    /// Returns how many snapshots changed what was stored (0 when everything was already there).
    /// </summary>
    public async Task<int> WriteAsync(IReadOnlyList<CostSnapshot> snapshots,
        Func<DbConnection, DbTransaction, Task>? alongside = null, CancellationToken ct = default)
    {
        long now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var accepted = await store.ApplyAsync(connection, tx, snapshots, now);
        if (alongside is not null) await alongside(connection, tx);
        await tx.CommitAsync(ct);
        return accepted.Count;
    }
}
