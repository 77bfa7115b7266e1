using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using ReviewService.Storage;
using ReviewService.Webhooks;

namespace ReviewService.Tests.Storage;

/// <summary>What the PostgreSQL dialect sets up for speed: prepared statements and LZ4 for the large values.</summary>
public sealed class PostgresDialectTests
{
    [Theory]
    [InlineData("Host=db;Database=reviews", PostgresDialect.DefaultMaxAutoPrepare)]
    [InlineData("Host=db;Database=reviews;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=reviews;maxautoprepare=5", 5)]
    public void StatementsArePreparedAutomaticallyUnlessTheConnectionStringSaysOtherwise(string connectionString, int expected)
    {
        using var dialect = new PostgresDialect(connectionString);
        using var connection = (NpgsqlConnection)dialect.CreateConnection();
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(connection.ConnectionString).MaxAutoPrepare);
    }

    [PostgresFact]
    [Trait("Storage", "PostgresOnly")]
    public async Task TheDocumentsBytesAndTextAndTheFindingsAndDecisionsAreCompressedWithLz4()
    {
        var database = TestPostgres.NewDatabase();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var dialect = new PostgresDialect(database);
        await new SqlReviewStore(dialect, clock, new Outbox(new OutboxSignal(clock))).MigrateAsync(CancellationToken.None);

        await using var db = new NpgsqlConnection(database);
        var methods = (await db.QueryAsync<(string Table, string Column, string Method)>("""
            SELECT c.relname, a.attname, a.attcompression::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE (c.relname, a.attname) IN (('documents', 'content'), ('documents', 'text'), ('reviews', 'findings'),
                                             ('reviews', 'decision'), ('reviews', 'document'), ('review_revisions', 'findings'),
                                             ('review_revisions', 'decision'))
            """)).ToList();
        Assert.Equal(7, methods.Count);
        Assert.All(methods, m => Assert.Equal("l", m.Method));
    }
}
