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
        var dialect = new SqliteDialect($"Data Source={_file}");
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
        var dialect = new SqliteDialect($"Data Source={_file}");
        await dialect.PrepareAsync(default);

        Assert.Equal(Synchronous.Full, await SynchronousAsync(dialect, Commit.Durable));
        Assert.Equal(Synchronous.Normal, await SynchronousAsync(dialect, Commit.Relaxed));
        Assert.Equal(Synchronous.Full, await SynchronousAsync(dialect, Commit.Durable));
        await using var connection = await dialect.OpenAsync(default);
        Assert.Equal((long)Synchronous.Full, await ReadSynchronousAsync(connection, null));
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
