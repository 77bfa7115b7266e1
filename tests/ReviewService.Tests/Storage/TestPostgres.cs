using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ReviewService.Tests.Storage;

/// <summary>
/// The PostgreSQL server the tests may use: <c>REVIEWS_TEST_POSTGRES</c> holds a connection string to a server where the tests may
/// create databases. <c>REVIEWS_TEST_PROVIDER=Postgres</c> also runs every <see cref="ReviewApp"/> on it, one database per app.
/// </summary>
public static class TestPostgres
{
    public const string ServerVariable = "REVIEWS_TEST_POSTGRES";
    public const string ProviderVariable = "REVIEWS_TEST_PROVIDER";

    public const string HowToRun =
        "No PostgreSQL: set REVIEWS_TEST_POSTGRES to a connection string of a server where the tests may create databases, e.g. " +
        "REVIEWS_TEST_POSTGRES=\"$(.ci/postgres start /tmp/reviews-pg)\" dotnet test (what .ci/run does).";

    public static string? Server => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } s ? s : null;

    /// <summary>True when the integration tests' apps should store in PostgreSQL instead of SQLite.</summary>
    public static bool AppsUsePostgres => string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>A connection string to the database named after <paramref name="key"/>, created when missing; the same key gives the same database.</summary>
    public static string Database(string key)
    {
        var server = Server ?? throw new InvalidOperationException(HowToRun);
        var name = "reviews_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
            exists.Parameters.AddWithValue("name", name);
            if (exists.ExecuteScalar() is null)
            {
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                create.ExecuteNonQuery();
            }
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>A new, empty database.</summary>
    public static string NewDatabase() => Database(Guid.NewGuid().ToString());

    /// <summary>Settings that put a <see cref="ReviewApp"/> on <paramref name="connectionString"/>.</summary>
    public static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["Storage:Provider"] = "Postgres",
        ["ConnectionStrings:Reviews"] = connectionString,
    };
}

/// <summary>A test that needs PostgreSQL: skipped, saying how to run it, when <c>REVIEWS_TEST_POSTGRES</c> is not set.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.Server is null)
        {
            Skip = TestPostgres.HowToRun;
        }
    }
}
