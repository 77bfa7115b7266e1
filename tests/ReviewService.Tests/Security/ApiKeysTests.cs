using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ReviewService.Storage;

namespace ReviewService.Tests.Security;

/// <summary>Admins issue and revoke API keys; only a key's SHA-256 is stored, and a revoked key stops working at once.</summary>
public sealed class ApiKeysTests : IDisposable
{
    readonly ReviewApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AnIssuedKeyWorksAtOnceIsStoredOnlyAsAHashAndStopsWorkingWhenRevoked()
    {
        var admin = _app.WithKey(ReviewApp.AdminKey);
        var created = await admin.PostAsJsonAsync("/v1/admin/keys/", new { name = "team-a-intake", roles = new[] { "analyst" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = await created.JsonAsync();
        var key = issued.GetProperty("key").GetString()!;
        Assert.StartsWith("rsk_", key, StringComparison.Ordinal);

        var holder = _app.WithKey(key);
        var me = await (await holder.GetAsync("/v1/me")).JsonAsync();
        Assert.Equal("team-a-intake", me.GetProperty("name").GetString());
        Assert.True((await holder.SubmitAsync(ReviewRequests.Text("A short agreement."), wait: "0")).IsSuccessStatusCode);

        var listed = await (await admin.GetAsync("/v1/admin/keys/")).Content.ReadAsStringAsync();
        Assert.Contains("team-a-intake", listed, StringComparison.Ordinal);
        Assert.Contains("\"source\":\"configuration\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(ReviewApp.Sha256(key), listed, StringComparison.Ordinal);
        Assert.DoesNotContain(StoredValues(), v => v.Contains(key[4..], StringComparison.Ordinal));
        Assert.Contains(ReviewApp.Sha256(key), StoredValues());

        var id = issued.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/admin/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await holder.GetAsync("/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/v1/admin/keys/{id}")).StatusCode);
        var revoked = await (await admin.GetAsync("/v1/admin/keys/")).JsonAsync();
        Assert.Contains(revoked.EnumerateArray(), k => k.GetProperty("name").GetString() == "team-a-intake" && k.GetProperty("revokedBy").GetString() == "admin-1");
    }

    public static TheoryData<string, object, HttpStatusCode, string> BadRequests => new()
    {
        { "no name", new { roles = new[] { "analyst" } }, HttpStatusCode.BadRequest, "name" },
        { "name with spaces", new { name = "a b", roles = new[] { "analyst" } }, HttpStatusCode.BadRequest, "name" },
        { "no roles", new { name = "k1", roles = Array.Empty<string>() }, HttpStatusCode.BadRequest, "roles" },
        { "unknown role", new { name = "k2", roles = new[] { "root" } }, HttpStatusCode.BadRequest, "roles" },
        { "name of a configured key", new { name = "analyst-1", roles = new[] { "analyst" } }, HttpStatusCode.Conflict, "already a key" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task AKeyRequestThatCannotBeHonouredSaysWhy(string why, object body, HttpStatusCode status, string hint)
    {
        var response = await _app.WithKey(ReviewApp.AdminKey).PostAsJsonAsync("/v1/admin/keys/", body);

        Assert.True(response.StatusCode == status, why);
        Assert.Contains(hint, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameNameCannotBeIssuedTwice()
    {
        var admin = _app.WithKey(ReviewApp.AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/v1/admin/keys/", new { name = "twice", roles = new[] { "reviewer" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/v1/admin/keys/", new { name = "twice", roles = new[] { "reviewer" } })).StatusCode);
    }

    List<string> StoredValues()
    {
        // Straight to the database the app uses (SQLite or PostgreSQL), past the service's code.
        using var db = _app.Services.GetRequiredService<SqlDialect>().CreateConnection();
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT * FROM api_keys";
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.AddRange(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i)?.ToString() ?? ""));
        }
        return values;
    }
}
