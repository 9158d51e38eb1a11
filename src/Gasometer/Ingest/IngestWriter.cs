using System.Diagnostics;
using System.Threading.Channels;
using Gasometer.Storage;

namespace Gasometer.Ingest;

/// <summary>
/// The single writer of one server process. Requests queue their snapshots; the writer takes every
/// request waiting at that moment and commits them in one transaction (group commit), so the cost
/// of a durable commit is shared by everyone who arrived while the previous one was on disk.
/// A request is answered only after its transaction committed.
/// </summary>
public sealed class IngestWriter(
    Database database, SnapshotStore store, IngestFeed feed, WalCheckpointer checkpointer, ILogger<IngestWriter> logger)
    : BackgroundService
{
    const int MaxSnapshotsPerGroup = 20_000;

    sealed record PendingWrite(IReadOnlyList<CostSnapshot> Snapshots, TaskCompletionSource<IReadOnlyList<AcceptedSnapshot>> Done);

    // SQLite: the writer keeps one connection open for its whole life (one writer, one file);
    // PostgreSQL: a pooled connection per group, so several instances share the server fairly.
    System.Data.Common.DbConnection? heldConnection;

    readonly Channel<PendingWrite> queue = Channel.CreateBounded<PendingWrite>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Commits the snapshots together and returns those that changed what is stored.</summary>
    public async Task<IReadOnlyList<AcceptedSnapshot>> WriteAsync(IReadOnlyList<CostSnapshot> snapshots, CancellationToken ct = default)
    {
        var pending = new PendingWrite(snapshots, new(TaskCreationOptions.RunContinuationsAsynchronously));
        await queue.Writer.WriteAsync(pending, ct);
        return await pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<PendingWrite>();
        // Not cancelled by stoppingToken: on shutdown the queue is completed and drained, so every
        // request already accepted into it is still committed and answered.
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            int size = 0;
            while (size < MaxSnapshotsPerGroup && queue.Reader.TryRead(out var next))
            {
                group.Add(next);
                size += next.Snapshots.Count;
            }
            await CommitGroupAsync(group);
            group.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        if (heldConnection is not null) await ReleaseAsync(heldConnection);
        heldConnection = null;
    }

    async Task<System.Data.Common.DbConnection> OpenWriterAsync()
    {
        var connection = await database.OpenAsync();
        if (checkpointer.Enabled) await WalCheckpointer.DisableAutomaticCheckpoints(connection);
        return connection;
    }

    /// <summary>Hands the connection back to the pool as any other would be: checkpointing inside commits again.</summary>
    async Task ReleaseAsync(System.Data.Common.DbConnection connection)
    {
        if (checkpointer.Enabled)
        {
            try { await WalCheckpointer.RestoreAutomaticCheckpoints(connection); }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                // A broken connection cannot be reset; keep it (and its setting) out of the pool.
                Microsoft.Data.Sqlite.SqliteConnection.ClearPool((Microsoft.Data.Sqlite.SqliteConnection)connection);
            }
        }
        await connection.DisposeAsync();
    }

    async Task CommitGroupAsync(List<PendingWrite> group)
    {
        try
        {
            var results = await CommitAsync(group);
            for (int i = 0; i < group.Count; i++) group[i].Done.TrySetResult(results[i]);
            feed.Publish(results.SelectMany(r => r).ToList());
        }
        catch (Exception e) when (group.Count > 1 && !Database.IsUnavailable(e))
        {
            // Commit each request alone, so one request that storage refuses cannot fail its neighbours.
            logger.LogWarning(e, "Group commit of {Count} requests failed; retrying them one by one", group.Count);
            foreach (var pending in group) await CommitGroupAsync([pending]);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Write failed; nothing from it was stored");
            foreach (var pending in group) pending.Done.TrySetException(e);
        }
    }

    async Task<List<IReadOnlyList<AcceptedSnapshot>>> CommitAsync(List<PendingWrite> group)
    {
        long now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        var connection = heldConnection ?? await OpenWriterAsync();
        List<AcceptedSnapshot> accepted;
        try
        {
            if (checkpointer.Enabled) await checkpointer.RestartIfDueAsync(connection);
            await using var tx = await connection.BeginTransactionAsync();
            accepted = await store.ApplyAsync(connection, tx, group.SelectMany(p => p.Snapshots), now);
            await feed.RecordAsync(connection, tx, accepted);
            await tx.CommitAsync();
            if (database.Engine == Engine.Sqlite) heldConnection = connection;
            else await connection.DisposeAsync();
        }
        catch
        {
            heldConnection = null; // a failed connection is never reused
            await ReleaseAsync(connection);
            throw;
        }
        checkpointer.Committed();

        var owner = new Dictionary<CostSnapshot, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < group.Count; i++)
            foreach (var s in group[i].Snapshots) owner[s] = i;
        var results = group.Select(_ => new List<AcceptedSnapshot>()).ToList();
        foreach (var a in accepted)
        {
            Debug.Assert(owner.ContainsKey(a.Snapshot));
            results[owner[a.Snapshot]].Add(a);
        }
        return results.Select(r => (IReadOnlyList<AcceptedSnapshot>)r).ToList();
    }
}
