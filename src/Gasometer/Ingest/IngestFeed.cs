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
