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

    /// <summary>On by default in Development only (<c>Api:Docs</c>): outside it, nothing but health is anonymous.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        if (app.Configuration.GetValue("Api:Docs", app.Environment.IsDevelopment()))
        {
            app.MapOpenApi().AllowAnonymous();
            app.MapScalarApiReference(o => o.WithTitle("ReviewService API").DisableDefaultFonts()).AllowAnonymous();
        }
        return app;
    }
}
