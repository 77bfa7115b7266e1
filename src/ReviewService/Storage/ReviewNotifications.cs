using Npgsql;
using ReviewService.Reviews;

namespace ReviewService.Storage;

/// <summary>
/// Signals between instances on one PostgreSQL database (<c>LISTEN</c>/<c>NOTIFY</c>): a review stored for any instance's
/// workers wakes them at once (<see cref="Pending"/>), and a review finished on one instance answers a submission waiting on
/// another at once (<see cref="Finished"/>, the review's id). Each instance listens on one connection of its own. Nothing
/// depends on a notification arriving: while the connection is down, or when a process dies between its commit and its
/// notification, the workers' poll (<c>Processing:PollSeconds</c>) and the waiting submission's reads of the database
/// (every 500 ms) find the same, later.
/// </summary>
public sealed partial class ReviewNotifications(SqlDialect dialect, ReviewSignals signals, TimeProvider clock, ILogger<ReviewNotifications> log)
    : BackgroundService
{
    public const string Pending = "reviews_pending";
    public const string Finished = "reviews_finished";
    const string Listen = $"LISTEN {Pending}; LISTEN {Finished}";
    /// <summary>How long the listening connection may be silent before it is checked, so a dead one is noticed.</summary>
    static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this instance listens (again, after a lost connection): no notification to it is missed from then on while it stays connected.</summary>
    public Task Listening => Volatile.Read(ref _listening).Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            // Whatever broke the connection (the server restarting, the network, a full pool), listening is retried: this
            // service must never stop the instance, whose polling works without it.
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Volatile.Write(ref _listening, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                LogListenerLost(e);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
        }
    }

    async Task ListenAsync(CancellationToken ct)
    {
        await using var db = (NpgsqlConnection)await dialect.OpenAsync(ct);
        db.Notification += (_, e) => Receive(e.Channel, e.Payload);
        await using (var listen = new NpgsqlCommand(Listen, db))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }
        Volatile.Read(ref _listening).TrySetResult();
        // Work stored while this instance was not listening: look for it now rather than at the next poll.
        signals.WorkAvailable();
        while (true)
        {
            if (!await db.WaitAsync(KeepAlive, ct))
            {
                // Listening again is a round trip that changes nothing: it shows a dead connection.
                await using var ping = new NpgsqlCommand(Listen, db);
                await ping.ExecuteNonQueryAsync(ct);
            }
        }
    }

    void Receive(string channel, string payload)
    {
        // An instance's own Pending notification: its workers were already woken in-process.
        if (channel == Pending && payload != dialect.Instance)
        {
            signals.WorkAvailable();
        }
        else if (channel == Finished && Guid.TryParse(payload, out var id))
        {
            signals.Finished(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the PostgreSQL notification connection; listening again in 1 s (until then, other instances' reviews are found by polling)")]
    partial void LogListenerLost(Exception e);
}
