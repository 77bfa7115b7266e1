using System.Data.Common;
using System.Text.Json;
using Dapper;
using ReviewService.Webhooks;

namespace ReviewService.Storage;

/// <summary>
/// The webhook outbox: in the transaction of a change, one delivery of its event for each active subscription that asked
/// for it (read in that transaction), so the event exists exactly when the change does; after the commit, a wake-up for
/// the dispatcher.
/// </summary>
public sealed class Outbox(OutboxSignal signal)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    sealed record Subscriber(string Id, string Events);

    /// <summary>Writes the deliveries of <paramref name="e"/> in the caller's transaction; returns how many.</summary>
    internal async Task<int> WriteAsync(DbConnection db, DbTransaction tx, OutboxEvent e)
    {
        var subscribers = (await db.QueryAsync<Subscriber>(
            "SELECT id, events FROM webhooks WHERE deleted_at IS NULL AND (all_reviews = 1 OR owner = @owner)", new { owner = e.Owner }, tx))
            .Where(w => JsonSerializer.Deserialize<string[]>(w.Events)!.Contains(e.Type)).ToList();
        if (subscribers.Count == 0)
        {
            return 0;
        }
        var eventId = $"evt_{Guid.CreateVersion7():N}";
        var body = JsonSerializer.Serialize(new WebhookEvent(eventId, e.Type, e.At, e.Data), Json);
        var at = e.At.ToUnixTimeMilliseconds();
        foreach (var webhook in subscribers)
        {
            await db.ExecuteAsync("""
                INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, review_id, body, status, attempts, created_at, next_attempt_at, retry_from)
                VALUES (@id, @webhook, @eventId, @type, @review, @body, 'pending', 0, @at, @at, @at)
                """,
                new { id = Guid.CreateVersion7().ToString(), webhook = webhook.Id, eventId, type = e.Type, review = e.Data.Id.ToString(), body, at }, tx);
        }
        return subscribers.Count;
    }

    /// <summary>After the transaction that wrote <paramref name="events"/> deliveries committed: wakes the dispatcher.</summary>
    internal void Written(int events)
    {
        if (events > 0)
        {
            signal.Written();
        }
    }
}
