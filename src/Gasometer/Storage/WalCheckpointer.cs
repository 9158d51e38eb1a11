using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Gasometer.Storage;

/// <summary>
/// Moves SQLite's WAL checkpoints off the ingest writer. Left to itself, SQLite checkpoints inside
/// the commit that takes the WAL past 1,000 pages: that commit copies every page back into the
/// database file and fsyncs it, and every request waiting on it pays that (the p99 of single-event
/// ingest). The writer turns that off (<see cref="DisableAutomaticCheckpoints"/>) and this service
/// copies pages back from its own connection instead, on the other core, while the writer goes on.
///
/// A passive checkpoint never waits for anyone, so under continuous writes the writer never finds
/// the WAL wholly copied back when it starts a transaction, and SQLite never starts the file over:
/// it would grow without bound. So once the WAL holds more than <see cref="RestartAbovePages"/>,
/// the writer runs a RESTART checkpoint itself before its next group (<see cref="RestartIfDueAsync"/>):
/// the passive pass already copied nearly everything, so it copies the few pages written since,
/// syncs the database file and starts the WAL over (the file is reused, not truncated: freeing tens
/// of megabytes took 100+ ms). A passive pass leaves what it copied unsynced (SQLite syncs the
/// database file only when a checkpoint reaches the end of the WAL), so each pass also flushes the
/// file itself, and the restart's sync has only its own few pages to write.
/// Durability is unchanged: every commit is still fsynced to the WAL
/// (synchronous = FULL) before it is answered.
/// </summary>
public sealed class WalCheckpointer(Database database, IConfiguration configuration, ILogger<WalCheckpointer> logger)
    : BackgroundService
{
    /// <summary>At most one checkpoint per this interval: a page written many times is copied once per pass.</summary>
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>32 MiB of 4 KiB pages by default; <c>Gasometer:WalRestartPages</c> changes it.</summary>
    public long RestartAbovePages { get; } = configuration.GetValue("Gasometer:WalRestartPages", 8_192L);

    volatile bool restartDue;

    // One checkpoint at a time in this process: SQLite answers a RESTART that meets a passive pass
    // with SQLITE_BUSY, and under heavy ingest a pass is nearly always running, so the WAL never
    // started over (8 GB after 3 million batch-ingested snapshots).
    readonly SemaphoreSlim checkpointing = new(1, 1);

    readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Whether the writer should leave checkpoints to this service (SQLite only).</summary>
    public bool Enabled => database.Engine == Engine.Sqlite;

    /// <summary>Called by the writer after each commit; cheap, never waits.</summary>
    public void Committed() => wake.Writer.TryWrite(true);

    /// <summary>Stops SQLite checkpointing inside this connection's commits (the connection's own setting).</summary>
    public static async Task DisableAutomaticCheckpoints(DbConnection writer)
    {
        await using var pragma = writer.CreateCommand();
        pragma.CommandText = "PRAGMA wal_autocheckpoint = 0";
        await pragma.ExecuteNonQueryAsync();
    }

    /// <summary>SQLite's own default, for a connection that goes back to the pool.</summary>
    public static async Task RestoreAutomaticCheckpoints(DbConnection connection)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA wal_autocheckpoint = 1000";
        await pragma.ExecuteNonQueryAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        DbConnection? connection = null;
        try
        {
            while (await wake.Reader.WaitToReadAsync(stoppingToken))
            {
                wake.Reader.TryRead(out _);
                try
                {
                    connection ??= await database.OpenAsync(stoppingToken);
                    if (await PassAsync(connection, stoppingToken) is { } wal)
                        logger.LogDebug("WAL checkpoint: {Pages} pages in the WAL, {Copied} copied", wal.LogPages, wal.CheckpointedPages);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Nothing is lost: the WAL keeps every commit; the next pass tries again.
                    logger.LogWarning(e, "WAL checkpoint failed; trying again later");
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                }
                await Task.Delay(Interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// One passive pass from the checkpointer's connection; notes when the WAL is due to start over.
    /// Skipped (null) while a restart waits for the writer: a pass then would only be in its way.
    /// </summary>
    internal async Task<WalState?> PassAsync(DbConnection connection, CancellationToken ct)
    {
        if (restartDue) return null;
        await checkpointing.WaitAsync(ct);
        try
        {
            var wal = await CheckpointAsync(connection);
            // The count is of pages copied since the WAL last started over: only a change means this pass copied any.
            if (wal.CheckpointedPages != lastCheckpointedPages) FlushDatabaseFile();
            lastCheckpointedPages = wal.CheckpointedPages;
            if (wal.LogPages > RestartAbovePages) restartDue = true;
            return wal;
        }
        finally
        {
            checkpointing.Release();
        }
    }

    bool flushFailed;
    long lastCheckpointedPages;

    /// <summary>
    /// Puts the pages the pass copied on disk now, off the writer (see <see cref="DatabaseFileSync"/>).
    /// Only an optimisation: when it cannot, the restart syncs them as before, just more slowly.
    /// </summary>
    void FlushDatabaseFile()
    {
        if (flushFailed || database.SqlitePath is not { } path) return;
        try
        {
            DatabaseFileSync.Flush(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            flushFailed = true;
            logger.LogWarning(e, "Cannot flush {Path} between checkpoints; WAL restarts will take longer", path);
        }
    }

    /// <summary>What a checkpoint left: pages in the WAL and how many of them are in the database file.</summary>
    public readonly record struct WalState(long LogPages, long CheckpointedPages);

    /// <summary>Copies what it can of the WAL back into the database file without waiting for the writer or readers.</summary>
    public static async Task<WalState> CheckpointAsync(DbConnection connection) => (await RunAsync(connection, "PASSIVE")).State;

    /// <summary>
    /// Run by the writer on its own connection between groups: when the last passive pass found the WAL
    /// over <see cref="RestartAbovePages"/>, finish copying it back and start it over. A reader still
    /// reading from the WAL makes it give up after a moment (the WAL cannot start over under it); the
    /// next pass asks again.
    /// </summary>
    public async Task RestartIfDueAsync(DbConnection writer)
    {
        if (!restartDue) return;
        // A pass still copying: the writer goes on, and restarts at its next group instead.
        if (!checkpointing.Wait(0)) return;
        try
        {
            restartDue = false;
            await SetBusyTimeoutAsync(writer, RestartWaitMs);
            var (busy, state) = await RunAsync(writer, "RESTART");
            if (busy) logger.LogDebug("WAL restart put off: a reader is still on {Pages} pages of it", state.LogPages);
            else
            {
                logger.LogDebug("WAL started over after {Pages} pages", state.LogPages);
                lastCheckpointedPages = -1; // counts start again from the WAL's new start: the next pass always flushes
            }
        }
        finally
        {
            await SetBusyTimeoutAsync(writer, Database.BusyTimeoutMs);
            checkpointing.Release();
        }
    }

    /// <summary>How long the writer waits for readers to leave the WAL before putting the restart off.</summary>
    const int RestartWaitMs = 50;

    /// <summary>Copies the whole WAL back and starts it over (the writer's connection; waits for readers).</summary>
    public static async Task<WalState> RestartAsync(DbConnection writer)
    {
        var (busy, state) = await RunAsync(writer, "RESTART");
        if (busy) throw new SqliteException("The WAL could not start over: a reader is still on it", 5);
        return state;
    }

    static async Task SetBusyTimeoutAsync(DbConnection connection, int milliseconds)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout = {milliseconds}";
        await pragma.ExecuteNonQueryAsync();
    }

    static async Task<(bool Busy, WalState State)> RunAsync(DbConnection connection, string mode)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return (false, default);
        // Columns: busy (1 when a RESTART could not finish), pages in the WAL, pages copied back.
        return (reader.GetInt64(0) != 0, new WalState(reader.GetInt64(1), reader.GetInt64(2)));
    }
}
