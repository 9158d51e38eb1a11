using System.Data.Common;

namespace Gasometer.Ingest;

/// <summary>
/// In-process publication of committed snapshots. The writer publishes only after its transaction
/// commits, so a subscriber (the live feed) never sees an event that a failed write lost.
/// Subscribers must not block: they run on the writer's loop.
/// </summary>
public sealed class IngestFeed(ILogger<IngestFeed> logger)
{
    readonly Lock gate = new();
    Action<IReadOnlyList<AcceptedSnapshot>>[] subscribers = [];
    Func<DbConnection, DbTransaction, IReadOnlyList<AcceptedSnapshot>, Task>[] recorders = [];

    /// <summary>
    /// Registers a step that runs inside the writer's transaction, after the snapshots are written and
    /// just before commit, so what it writes (the live feed's log) commits or rolls back with them.
    /// If it throws, the write fails as a whole.
    /// </summary>
    public IDisposable Record(Func<DbConnection, DbTransaction, IReadOnlyList<AcceptedSnapshot>, Task> inTransaction)
    {
        lock (gate) recorders = [.. recorders, inTransaction];
        return new Subscription(() => { lock (gate) recorders = recorders.Where(r => r != inTransaction).ToArray(); });
    }

    public async Task RecordAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<AcceptedSnapshot> accepted)
    {
        if (accepted.Count == 0) return;
        foreach (var recorder in Volatile.Read(ref recorders)) await recorder(connection, tx, accepted);
    }

    public IDisposable Subscribe(Action<IReadOnlyList<AcceptedSnapshot>> onCommitted)
    {
        lock (gate) subscribers = [.. subscribers, onCommitted];
        return new Subscription(() => { lock (gate) subscribers = subscribers.Where(s => s != onCommitted).ToArray(); });
    }

    public void Publish(IReadOnlyList<AcceptedSnapshot> committed)
    {
        if (committed.Count == 0) return;
        foreach (var subscriber in Volatile.Read(ref subscribers))
        {
            try { subscriber(committed); }
            catch (Exception e) { logger.LogError(e, "A live-feed subscriber failed; the write itself is committed"); }
        }
    }

    sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
