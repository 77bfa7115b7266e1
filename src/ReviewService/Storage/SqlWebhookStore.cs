using System.Text.Json;
using Dapper;
using ReviewService.Webhooks;

namespace ReviewService.Storage;

/// <summary>Webhook subscriptions and the outbox over any SQL database (<see cref="SqlDialect"/>).</summary>
public sealed class SqlWebhookStore(SqlDialect dialect) : IWebhookStore
{
    const string WebhookColumns = "id, owner, all_reviews AS AllReviews, url, events, secret, created_at AS CreatedAt";
    const string DeliveryColumns = """
        d.id, d.webhook_id AS WebhookId, d.event_id AS EventId, d.event_type AS EventType, d.body, d.status, d.attempts,
        d.created_at AS CreatedAt, d.next_attempt_at AS NextAttemptAt, d.retry_from AS RetryFrom, d.delivered_at AS DeliveredAt, d.last_error AS LastError
        """;

    public async Task CreateAsync(Webhook webhook, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await db.ExecuteAsync("""
            INSERT INTO webhooks (id, owner, all_reviews, url, events, secret, created_at)
            VALUES (@id, @Owner, @all, @Url, @events, @Secret, @at)
            """,
            new
            {
                id = webhook.Id.ToString(), webhook.Owner, all = webhook.AllReviews ? 1 : 0, webhook.Url, events = JsonSerializer.Serialize(webhook.Events),
                webhook.Secret, at = webhook.CreatedAt.ToUnixTimeMilliseconds(),
            });
    }

    public async Task<IReadOnlyList<Webhook>> ListAsync(string? owner, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var rows = await db.QueryAsync<WebhookRow>(
            $"SELECT {WebhookColumns} FROM webhooks WHERE deleted_at IS NULL{(owner is null ? "" : " AND owner = @owner")} ORDER BY created_at, id", new { owner });
        return [.. rows.Select(ToWebhook)];
    }

    public async Task<Webhook?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<WebhookRow>($"SELECT {WebhookColumns} FROM webhooks WHERE id = @id AND deleted_at IS NULL", new { id = id.ToString() });
        return row is null ? null : ToWebhook(row);
    }

    public async Task<bool> DeleteAsync(Guid id, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        var deleted = await db.ExecuteAsync("UPDATE webhooks SET deleted_at = @at WHERE id = @id AND deleted_at IS NULL",
            new { id = id.ToString(), at = at.ToUnixTimeMilliseconds() }, tx);
        await db.ExecuteAsync("UPDATE webhook_deliveries SET status = 'cancelled', last_error = 'subscription deleted' WHERE webhook_id = @id AND status = 'pending'",
            new { id = id.ToString() }, tx);
        await tx.CommitAsync(ct);
        return deleted > 0;
    }

    public async Task<IReadOnlyList<(Delivery Delivery, IReadOnlyList<DeliveryAttempt> Attempts)>> ListDeliveriesAsync(Guid webhookId, int limit, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var deliveries = (await db.QueryAsync<DeliveryRow>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries d WHERE d.webhook_id = @id ORDER BY d.created_at DESC, d.id DESC LIMIT @limit",
            new { id = webhookId.ToString(), limit })).ToList();
        if (deliveries.Count == 0)
        {
            return [];
        }
        var attempts = (await db.QueryAsync<AttemptRow>(
            $"SELECT delivery_id AS DeliveryId, at, status_code AS StatusCode, error, duration_ms AS DurationMs FROM webhook_attempts WHERE {dialect.AnyOf("delivery_id", "@ids")} ORDER BY at, id",
            new { ids = deliveries.Select(d => d.Id).ToArray() })).ToLookup(a => a.DeliveryId);
        return [.. deliveries.Select(d => (ToDelivery(d), (IReadOnlyList<DeliveryAttempt>)[.. attempts[d.Id].Select(ToAttempt)]))];
    }

    public async Task<bool> RetryAsync(Guid webhookId, Guid deliveryId, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var at = now.ToUnixTimeMilliseconds();
        return await db.ExecuteAsync("""
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = @at, retry_from = @at, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND webhook_id = @webhook AND status <> 'cancelled'
              AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = @webhook AND w.deleted_at IS NULL)
            """, new { id = deliveryId.ToString(), webhook = webhookId.ToString(), at }) > 0;
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        const string Finished = "status <> 'pending' AND created_at < @before";
        var parameters = new { before = before.ToUnixTimeMilliseconds() };
        await db.ExecuteAsync($"DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE {Finished})", parameters, tx);
        var pruned = await db.ExecuteAsync($"DELETE FROM webhook_deliveries WHERE {Finished}", parameters, tx);
        await tx.CommitAsync(ct);
        return pruned;
    }

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        List<string> ids;
        // A lease lost with the machine only lets a dispatcher send the delivery again: at least once.
        await using (var tx = await dialect.BeginAsync(db, Commit.Relaxed, ct))
        {
            ids = [.. await db.QueryAsync<string>($"""
                UPDATE webhook_deliveries SET lease_owner = @owner, lease_until = @until
                WHERE id IN (SELECT id FROM webhook_deliveries
                             WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                             ORDER BY next_attempt_at LIMIT @limit{dialect.SkipLocked})
                RETURNING id
                """, new { owner, until = leaseUntil.ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds(), limit }, tx)];
            await tx.CommitAsync(ct);
        }
        if (ids.Count == 0)
        {
            return [];
        }
        var rows = await db.QueryAsync<DueRow>($"""
            SELECT {DeliveryColumns}, w.url AS Url, w.secret AS Secret
            FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
            WHERE {dialect.AnyOf("d.id", "@ids")} AND d.lease_owner = @owner
            ORDER BY d.next_attempt_at
            """, new { ids = ids.ToArray(), owner });
        return [.. rows.Select(r => new DueDelivery(ToDelivery(r), r.Url, r.Secret, owner))];
    }

    public async Task<bool> RecordAttemptAsync(DueDelivery due, DeliveryAttempt attempt, AttemptOutcome outcome, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        // A record lost with the machine sends the delivery again: receivers must accept an event twice anyway (README, "Webhooks").
        await using var tx = await dialect.BeginAsync(db, Commit.Relaxed, ct);
        var updated = await db.ExecuteAsync("""
            UPDATE webhook_deliveries SET attempts = attempts + 1, status = @status, next_attempt_at = COALESCE(@next, next_attempt_at),
                                          delivered_at = @delivered, last_error = @error, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND lease_owner = @owner AND status = 'pending'
            """,
            new
            {
                id = due.Delivery.Id.ToString(), owner = due.LeaseOwner, status = Wire(outcome.Status), next = outcome.NextAttemptAt?.ToUnixTimeMilliseconds(),
                delivered = attempt.Succeeded ? attempt.At.ToUnixTimeMilliseconds() : (long?)null,
                error = attempt.Succeeded ? null : attempt.Error ?? $"HTTP {attempt.StatusCode}",
            }, tx);
        if (updated == 0)
        {
            return false;
        }
        await db.ExecuteAsync("""
            INSERT INTO webhook_attempts (id, delivery_id, at, status_code, error, duration_ms) VALUES (@id, @delivery, @at, @code, @error, @ms)
            """,
            new
            {
                id = Guid.CreateVersion7().ToString(), delivery = due.Delivery.Id.ToString(), at = attempt.At.ToUnixTimeMilliseconds(),
                code = attempt.StatusCode, error = attempt.Error, ms = (long)attempt.Duration.TotalMilliseconds,
            }, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    static string Wire(DeliveryStatus status) => status.ToString().ToLowerInvariant();

    static Webhook ToWebhook(WebhookRow r) => new(Guid.Parse(r.Id), r.Owner, r.AllReviews == 1, r.Url, JsonSerializer.Deserialize<string[]>(r.Events)!,
        r.Secret, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt));

    static Delivery ToDelivery(DeliveryRow r) => new(
        Guid.Parse(r.Id), Guid.Parse(r.WebhookId), r.EventId, r.EventType, r.Body, Enum.Parse<DeliveryStatus>(r.Status, ignoreCase: true), (int)r.Attempts,
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(r.NextAttemptAt),
        DateTimeOffset.FromUnixTimeMilliseconds(r.RetryFrom), r.DeliveredAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null, r.LastError);

    static DeliveryAttempt ToAttempt(AttemptRow a) => new(DateTimeOffset.FromUnixTimeMilliseconds(a.At), a.StatusCode is { } c ? (int)c : null, a.Error,
        TimeSpan.FromMilliseconds(a.DurationMs));

    sealed record WebhookRow(string Id, string Owner, long AllReviews, string Url, string Events, string Secret, long CreatedAt);

    record DeliveryRow(
        string Id, string WebhookId, string EventId, string EventType, string Body, string Status, long Attempts,
        long CreatedAt, long NextAttemptAt, long RetryFrom, long? DeliveredAt, string? LastError);

    sealed record DueRow(
        string Id, string WebhookId, string EventId, string EventType, string Body, string Status, long Attempts,
        long CreatedAt, long NextAttemptAt, long RetryFrom, long? DeliveredAt, string? LastError, string Url, string Secret)
        : DeliveryRow(Id, WebhookId, EventId, EventType, Body, Status, Attempts, CreatedAt, NextAttemptAt, RetryFrom, DeliveredAt, LastError);

    sealed record AttemptRow(string DeliveryId, long At, long? StatusCode, string? Error, long DurationMs);
}
