using Microsoft.Extensions.Options;

namespace ReviewService.Webhooks;

public static class WebhookExtensions
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => o.RetryHours > 0 && o.FirstRetryDelaySeconds > 0 && o.MaxRetryDelaySeconds >= o.FirstRetryDelaySeconds && o.TimeoutSeconds > 0
                && o.PollSeconds > 0 && o.MaxConcurrentDeliveries > 0 && o.MaxSubscriptionsPerOwner > 0 && o.KeepDays > 0,
                "Webhooks settings must be positive, and MaxRetryDelaySeconds at least FirstRetryDelaySeconds.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddHttpClient(WebhookSender.HttpClientName, (services, client) =>
            {
                client.Timeout = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<WebhookOptions>>().Value.TimeoutSeconds);
                client.DefaultRequestHeaders.UserAgent.ParseAdd("ReviewService-Webhooks/1");
            })
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                ConnectCallback = NetworkGuard.Connect(services.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateNetworks),
            });
        if (builder.Configuration.GetValue($"{WebhookOptions.Section}:{nameof(WebhookOptions.Deliver)}", true))
        {
            builder.Services.AddHostedService<WebhookDispatcher>();
        }
        builder.Services.AddSingleton<Storage.IWebhookStore, Storage.SqlWebhookStore>();
        return builder;
    }
}
