using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.Security;

/// <summary>
/// Bearer tokens from an OpenID Connect issuer: a real issuer on loopback (discovery document and signing keys), real signed
/// tokens, and the service's JwtBearer setup validating them.
/// </summary>
public sealed class BearerTokenTests : IDisposable
{
    const string Audience = "api://reviewservice";
    readonly RSA _signingKey = RSA.Create(2048);
    readonly WebApplication _issuer;
    readonly string _authority;
    readonly ReviewApp _app;

    public BearerTokenTests()
    {
        _issuer = LocalIssuer.Start(_signingKey);
        _authority = _issuer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
        _app = new ReviewApp(settings: new()
        {
            ["Auth:Jwt:Authority"] = _authority,
            ["Auth:Jwt:Audience"] = Audience,
            ["Auth:Jwt:RequireHttpsMetadata"] = "false",
        });
    }

    public void Dispose()
    {
        _app.Dispose();
        _issuer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _signingKey.Dispose();
    }

    [Fact]
    public async Task AnAnalystsTokenSubmitsAndOnlyThatSubjectReadsTheReview()
    {
        var alice = Client(Token("alice", ["analyst"]));
        var review = await alice.SubmitAndWaitForAsync(Fixtures.Text("joint-filing-agreement.txt"));
        var id = review.GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/v1/reviews/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client(Token("bob", ["analyst"])).GetAsync($"/v1/reviews/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(Token("carol", ["reviewer"])).GetAsync($"/v1/reviews/{id}")).StatusCode);
        var me = await (await alice.GetAsync("/v1/me")).JsonAsync();
        Assert.Equal("alice", me.GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheRolesClaimDecidesWhatATokenMayDo()
    {
        var reviewer = Client(Token("carol", ["reviewer"]));
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync("/v1/queue/")).StatusCode);
        var refused = await reviewer.SubmitAsync(ReviewRequests.Text("Any text."));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var unknownRole = Client(Token("mallory", ["superuser"]));
        Assert.Equal(HttpStatusCode.OK, (await unknownRole.GetAsync("/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await unknownRole.GetAsync("/v1/reviews/")).StatusCode);
    }

    public static TheoryData<string> BadTokens => ["expired", "foreign key", "wrong audience", "wrong issuer", "unsigned", "garbage"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task ATokenThatDoesNotValidateIsUnauthorized(string kind)
    {
        using var otherKey = RSA.Create(2048);
        var token = kind switch
        {
            "expired" => Token("alice", ["analyst"], expires: DateTime.UtcNow.AddMinutes(-10)),
            "foreign key" => Token("alice", ["analyst"], key: otherKey),
            "wrong audience" => Token("alice", ["analyst"], audience: "api://someone-else"),
            "wrong issuer" => Token("alice", ["analyst"], issuer: "https://issuer.invalid/"),
            "unsigned" => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = _authority, Audience = Audience, Claims = new Dictionary<string, object> { ["sub"] = "alice", ["roles"] = new[] { "analyst" } },
            }),
            _ => "not.a.token",
        };
        var response = await Client(token).GetAsync("/v1/reviews/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    HttpClient Client(string token)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    string Token(string subject, string[] roles, DateTime? expires = null, RSA? key = null, string? audience = null, string? issuer = null)
    {
        var notBefore = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? _authority,
            Audience = audience ?? Audience,
            NotBefore = notBefore,
            IssuedAt = notBefore,
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["roles"] = roles },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? _signingKey) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>The two documents an OpenID Connect issuer serves for token validation: discovery and the signing keys.</summary>
    static class LocalIssuer
    {
        public static WebApplication Start(RSA key)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var issuer = builder.Build();
            var parameters = key.ExportParameters(includePrivateParameters: false);
            issuer.MapGet("/.well-known/openid-configuration", (HttpRequest request) =>
            {
                var self = $"{request.Scheme}://{request.Host}/";
                return Results.Json(new { issuer = self, jwks_uri = $"{self}keys", id_token_signing_alg_values_supported = new[] { "RS256" } });
            });
            issuer.MapGet("/keys", () => Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", kid = "test-key", alg = "RS256",
                          n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
                },
            }));
            issuer.StartAsync().GetAwaiter().GetResult();
            return issuer;
        }
    }
}
