using ReviewService.Storage;

namespace ReviewService.Tests.Storage;

public sealed class SqliteDialectTests : IDisposable
{
    readonly string _file = Path.Combine(Path.GetTempPath(), "reviewservice-dialect", $"{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Fact]
    public async Task EveryConnectionWaitsForTheWriterInSqlitesBusyHandlerNotInASleepingRetryLoop()
    {
        using var dialect = new SqliteDialect($"Data Source={_file}");
        await dialect.PrepareAsync(default);

        // A pooled connection is opened twice: both times it waits in SQLite's handler.
        for (var i = 0; i < 2; i++)
        {
            await using var connection = await dialect.OpenAsync(default);
            await using var read = connection.CreateCommand();
            read.CommandText = "PRAGMA busy_timeout;";
            Assert.Equal((long)SqliteDialect.BusyTimeoutMilliseconds, await read.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task OnlyARelaxedTransactionCommitsWithoutSyncingAndTheNextOpeningOfItsPooledConnectionSyncsAgain()
    {
        using var dialect = new SqliteDialect($"Data Source={_file}");
        await dialect.PrepareAsync(default);

        Assert.Equal(Synchronous.Full, await SynchronousAsync(dialect, Commit.Durable));
        Assert.Equal(Synchronous.Normal, await SynchronousAsync(dialect, Commit.Relaxed));
        Assert.Equal(Synchronous.Full, await SynchronousAsync(dialect, Commit.Durable));
        await using var connection = await dialect.OpenAsync(default);
        Assert.Equal((long)Synchronous.Full, await ReadSynchronousAsync(connection, null));
    }

    [Fact]
    public async Task WriteTransactionsTakeTurnsInArrivalOrderWaitingOutsideSqliteUntilTheHoldersConnectionCloses()
    {
        using var dialect = new SqliteDialect($"Data Source={_file}");
        await dialect.PrepareAsync(default);
        await using var first = await dialect.OpenAsync(default);
        await using var second = await dialect.OpenAsync(default);
        await using var third = await dialect.OpenAsync(default);

        var holding = await dialect.BeginAsync(first, Commit.Durable, default);
        // Waiting for a turn is an incomplete task, not a thread asleep in SQLite's busy handler.
        var secondTurn = dialect.BeginAsync(second, Commit.Relaxed, default);
        var thirdTurn = dialect.BeginAsync(third, Commit.Durable, default);
        Assert.False(secondTurn.IsCompleted);
        Assert.False(thirdTurn.IsCompleted);

        // A transaction that ends keeps the turn while its connection is open: a second one on it does not wait for itself.
        await holding.CommitAsync();
        await holding.DisposeAsync();
        await using (var again = await dialect.BeginAsync(first, Commit.Durable, default))
        {
            await again.RollbackAsync();
        }
        Assert.False(secondTurn.IsCompleted);

        await first.CloseAsync();
        await using var secondTx = await secondTurn;
        Assert.False(thirdTurn.IsCompleted);
        await secondTx.CommitAsync();
        await second.DisposeAsync();
        await using var thirdTx = await thirdTurn;
        await thirdTx.CommitAsync();
    }

    [Fact]
    public async Task ATurnIsGivenBackWhenItsConnectionClosesWithTheTransactionNeverCommitted()
    {
        using var dialect = new SqliteDialect($"Data Source={_file}");
        await dialect.PrepareAsync(default);
        await using (var db = await dialect.OpenAsync(default))
        {
            _ = await dialect.BeginAsync(db, Commit.Durable, default);
        }
        await using var next = await dialect.OpenAsync(default);
        var turn = dialect.BeginAsync(next, Commit.Durable, default);
        Assert.True(turn.IsCompletedSuccessfully);
        await using var tx = await turn;
        await tx.CommitAsync();
    }

    enum Synchronous { Normal = 1, Full = 2 }

    static async Task<Synchronous> SynchronousAsync(SqliteDialect dialect, Commit commit)
    {
        await using var connection = await dialect.OpenAsync(default);
        await using var tx = await dialect.BeginAsync(connection, commit, default);
        var value = await ReadSynchronousAsync(connection, tx);
        await tx.CommitAsync();
        return (Synchronous)value;
    }

    static async Task<long> ReadSynchronousAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? tx)
    {
        await using var read = connection.CreateCommand();
        read.Transaction = tx;
        read.CommandText = "PRAGMA synchronous;";
        return (long)(await read.ExecuteScalarAsync())!;
    }
}
