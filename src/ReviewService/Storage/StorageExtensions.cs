namespace ReviewService.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";
    /// <summary><c>Sqlite</c> (default; one instance) or <c>Postgres</c> (any number of instances on one database).</summary>
    public string Provider { get; set; } = "Sqlite";
    /// <summary>
    /// PostgreSQL: instances tell each other of new work and finished reviews (<c>LISTEN</c>/<c>NOTIFY</c>). Turn off where
    /// a session cannot listen (a pooler in transaction mode); polling then finds the same, later.
    /// </summary>
    public bool Notifications { get; set; } = true;
}

public static class StorageExtensions
{
    public const string ConnectionName = "Reviews";
    const string DefaultSqlite = "Data Source=data/reviews.db";

    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var connection = builder.Configuration.GetConnectionString(ConnectionName);
        SqlDialect dialect = options.Provider.ToLowerInvariant() switch
        {
            "sqlite" => new SqliteDialect(string.IsNullOrWhiteSpace(connection) ? DefaultSqlite : connection),
            "postgres" => new PostgresDialect(connection ?? ""),
            _ => throw new InvalidOperationException($"Storage:Provider '{options.Provider}' is not supported. Use 'Sqlite' or 'Postgres'."),
        };
        builder.Services.AddSingleton<SqlDialect>(_ => dialect); // a factory, so the container disposes it (PostgreSQL's connection pool)
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddSingleton<IReviewStore, SqlReviewStore>();
        builder.Services.AddSingleton<IQueueStore, SqlQueueStore>();
        builder.Services.AddSingleton<IBatchStore, SqlBatchStore>();
        builder.Services.AddSingleton<IReplayStore, SqlReplayStore>();
        builder.Services.AddSingleton<IApiKeyStore, SqlApiKeyStore>();
        builder.Services.AddHostedService<StorageStartup>();
        if (!dialect.SingleInstance && options.Notifications)
        {
            builder.Services.AddHostedService<ReviewNotifications>();
        }
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(o => o.TextDays >= 0 && o.IntervalMinutes > 0 && o.BatchSize > 0, "Retention:TextDays must be 0 or more, IntervalMinutes and BatchSize positive.")
            .ValidateOnStart();
        builder.Services.AddHostedService<TextRetention>();
        return builder;
    }
}

/// <summary>Migrates the database before the workers and the HTTP server start.</summary>
public sealed class StorageStartup(IReviewStore store, SqlDialect dialect) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        if (dialect.SingleInstance)
        {
            await store.ReleaseAllLeasesAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
