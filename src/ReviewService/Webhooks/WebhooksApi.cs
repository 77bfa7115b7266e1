using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReviewService.Auth;
using ReviewService.Http;
using ReviewService.Storage;

namespace ReviewService.Webhooks;

/// <summary>A subscription to make: where to, which events, and optionally the signing secret (the service makes one otherwise).</summary>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events, string? Secret);

/// <summary>A subscription as the API shows it; <see cref="Secret"/> only in the answer that created it.</summary>
public sealed record WebhookView(Guid Id, string Url, IReadOnlyList<string> Events, string Owner, string Scope, DateTimeOffset CreatedAt, string? Secret = null)
{
    public static WebhookView From(Webhook w) => new(w.Id, w.Url, w.Events, w.Owner, w.AllReviews ? "all-reviews" : "own-reviews", w.CreatedAt);
}

public sealed record DeliveryView(
    Guid Id, string EventId, string Event, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt, string? LastError, IReadOnlyList<AttemptView> AttemptLog);

public sealed record AttemptView(DateTimeOffset At, int? StatusCode, string? Error, double DurationMs);

public sealed record DeliveryList(IReadOnlyList<DeliveryView> Items);

public sealed class CreateWebhookRequestValidator : AbstractValidator<CreateWebhookRequest>
{
    public CreateWebhookRequestValidator(IOptions<WebhookOptions> options)
    {
        RuleFor(r => r.Url).Must(url => NetworkGuard.Refusal(url, options.Value.AllowPrivateNetworks) is null)
            .WithMessage(r => NetworkGuard.Refusal(r.Url, options.Value.AllowPrivateNetworks)!);
        RuleFor(r => r.Url).MaximumLength(2000).WithMessage("Keep the URL under 2,000 characters.");
        RuleFor(r => r.Events).NotEmpty().WithMessage($"Name the events to receive: one or more of {string.Join(", ", WebhookEvents.All)}.");
        RuleForEach(r => r.Events).Must(e => WebhookEvents.All.Contains(e))
            .WithMessage((_, e) => $"'{e}' is not an event. Use one or more of {string.Join(", ", WebhookEvents.All)}.");
        RuleFor(r => r.Secret).Length(16, 200).When(r => r.Secret is not null)
            .WithMessage("A secret has 16 to 200 characters; leave it out and the service makes one.");
    }
}

/// <summary>
/// <c>/v1/webhooks</c>: subscriptions to review events, and the log of their deliveries. An analyst's subscription hears of the
/// analyst's own reviews; an admin's of every review. Each caller sees and manages only their own subscriptions (admins all).
/// </summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/webhooks").WithTags("Webhooks").RequireAuthorization(Access.Subscribe);
        group.MapPost("/", CreateAsync).WithSummary("Subscribe a URL to review events (the signing secret is shown once, in this answer)");
        group.MapGet("/", ListAsync).WithSummary("The caller's subscriptions (an admin's: all)");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("A subscription");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Remove a subscription; its pending deliveries are cancelled");
        group.MapGet("/{id:guid}/deliveries", ListDeliveriesAsync).WithSummary("Deliveries, newest first, each with every attempt");
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/retry", RetryAsync).WithSummary("Send a delivery again now (e.g. one that failed)");
        return group;
    }

    public static async Task<Results<Created<WebhookView>, ProblemHttpResult>> CreateAsync(
        CreateWebhookRequest request, ClaimsPrincipal user, IValidator<CreateWebhookRequest> validator, IWebhookStore store,
        IOptions<WebhookOptions> options, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid)
        {
            var errors = validation.ToDictionary();
            return new Failure(FailureKind.Invalid, "Invalid webhook", string.Join(" ", errors.Values.SelectMany(v => v).Distinct()), errors).ToProblem();
        }
        var owner = user.Identity!.Name!;
        if ((await store.ListAsync(owner, ct)).Count >= options.Value.MaxSubscriptionsPerOwner)
        {
            return new Failure(FailureKind.Conflict, "Too many webhooks",
                $"You have {options.Value.MaxSubscriptionsPerOwner} subscriptions, the limit. Delete one you no longer use first.").ToProblem();
        }
        var webhook = new Webhook(Guid.CreateVersion7(), owner, user.OwnWebhooksOnly() is null, request.Url!, [.. request.Events!.Distinct()],
            request.Secret ?? WebhookSignature.NewSecret(), clock.GetUtcNow());
        await store.CreateAsync(webhook, ct);
        logs.CreateLogger(typeof(WebhooksApi)).LogInformation("Webhook {WebhookId} to {Host} for {Events} created by {Owner}",
            webhook.Id, new Uri(webhook.Url).Host, string.Join(",", webhook.Events), owner);
        return TypedResults.Created($"/v1/webhooks/{webhook.Id}", WebhookView.From(webhook) with { Secret = webhook.Secret });
    }

    public static async Task<Ok<WebhookView[]>> ListAsync(ClaimsPrincipal user, IWebhookStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(user.OwnWebhooksOnly(), ct)).Select(WebhookView.From).ToArray());

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, IWebhookStore store, CancellationToken ct) =>
        await FindAsync(id, user, store, ct) is { } webhook ? TypedResults.Ok(WebhookView.From(webhook)) : NotFound(id);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal user, IWebhookStore store, TimeProvider clock, CancellationToken ct) =>
        await FindAsync(id, user, store, ct) is not null && await store.DeleteAsync(id, clock.GetUtcNow(), ct) ? TypedResults.NoContent() : NotFound(id);

    public static async Task<Results<Ok<DeliveryList>, ProblemHttpResult>> ListDeliveriesAsync(
        Guid id, string? limit, ClaimsPrincipal user, IWebhookStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var pageSize = QueryParameters.Limit(limit, 50, 200, errors);
        if (QueryParameters.Invalid("Invalid query", errors) is { } invalid)
        {
            return invalid.ToProblem();
        }
        if (await FindAsync(id, user, store, ct) is null)
        {
            return NotFound(id);
        }
        var deliveries = await store.ListDeliveriesAsync(id, pageSize, ct);
        return TypedResults.Ok(new DeliveryList([.. deliveries.Select(d => new DeliveryView(
            d.Delivery.Id, d.Delivery.EventId, d.Delivery.EventType, d.Delivery.Status.ToString().ToLowerInvariant(), d.Delivery.Attempts, d.Delivery.CreatedAt,
            d.Delivery.Status == DeliveryStatus.Pending ? d.Delivery.NextAttemptAt : null, d.Delivery.DeliveredAt, d.Delivery.LastError,
            [.. d.Attempts.Select(a => new AttemptView(a.At, a.StatusCode, a.Error, a.Duration.TotalMilliseconds))]))]));
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> RetryAsync(
        Guid id, Guid deliveryId, ClaimsPrincipal user, IWebhookStore store, OutboxSignal signal, TimeProvider clock, CancellationToken ct)
    {
        if (await FindAsync(id, user, store, ct) is null)
        {
            return NotFound(id);
        }
        if (!await store.RetryAsync(id, deliveryId, clock.GetUtcNow(), ct))
        {
            return new Failure(FailureKind.NotFound, "Delivery not found", $"Webhook {id} has no delivery {deliveryId} that can be sent again.").ToProblem();
        }
        signal.Written();
        return TypedResults.Accepted($"/v1/webhooks/{id}/deliveries");
    }

    /// <summary>The subscription if the caller may see it; another caller's answers 404, so its existence is not revealed.</summary>
    static async Task<Webhook?> FindAsync(Guid id, ClaimsPrincipal user, IWebhookStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } webhook && (user.OwnWebhooksOnly() is not { } own || webhook.Owner == own) ? webhook : null;

    static ProblemHttpResult NotFound(Guid id) => new Failure(FailureKind.NotFound, "Webhook not found", $"There is no webhook {id}.").ToProblem();
}
