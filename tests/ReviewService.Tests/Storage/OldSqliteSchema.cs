using Dapper;
using Microsoft.Data.Sqlite;
using ReviewService.Storage;

namespace ReviewService.Tests.Storage;

/// <summary>A SQLite database as an older release left it: the first <c>version</c> migrations applied, the rest waiting for the service.</summary>
public static class OldSqliteSchema
{
    /// <summary>A new database file at <paramref name="version"/>, open for the test to put old rows in.</summary>
    public static async Task<(string Path, SqliteConnection Db)> CreateAsync(int version)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var db = new SqliteConnection($"Data Source={path}");
        var dialect = new SqliteDialect($"Data Source={path}");
        await db.ExecuteAsync("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
        for (var v = 1; v <= version; v++)
        {
            await db.ExecuteAsync(dialect.Migrations[v - 1]);
            await db.ExecuteAsync("INSERT INTO schema_migrations VALUES (@v, 0)", new { v });
        }
        return (path, db);
    }
}
