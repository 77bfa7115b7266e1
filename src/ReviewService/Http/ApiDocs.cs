using Scalar.AspNetCore;

namespace ReviewService.Http;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and an interactive page (<c>/scalar/v1</c>), served from the service's own assets.</summary>
public static class ApiDocs
{
    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>
    /// On by default in Development only (<c>Api:Docs</c>), and anonymous only there: switched on elsewhere, they need a credential
    /// like every other endpoint but health.
    /// </summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        if (app.Configuration.GetValue("Api:Docs", app.Environment.IsDevelopment()))
        {
            IEndpointConventionBuilder[] docs = [app.MapOpenApi(), app.MapScalarApiReference(o => o.WithTitle("ReviewService API").DisableDefaultFonts())];
            foreach (var endpoint in docs.Where(_ => app.Environment.IsDevelopment()))
            {
                endpoint.AllowAnonymous();
            }
        }
        return app;
    }
}
