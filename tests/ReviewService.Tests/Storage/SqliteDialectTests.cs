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
}
