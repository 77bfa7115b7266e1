using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReviewService.Storage;
using ReviewService.Tests.Storage;

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
        { "a lifetime of 0 days", new { name = "k3", roles = new[] { "analyst" }, expiresInDays = 0 }, HttpStatusCode.BadRequest, "expiresInDays" },
        { "a lifetime over ten years", new { name = "k4", roles = new[] { "analyst" }, expiresInDays = 3651 }, HttpStatusCode.BadRequest, "1 to 3650 days" },
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

    [Fact]
    public async Task AnIssuedKeyExpiresAfterItsLifetimeNinetyDaysUnlessTheAdminSaysOtherwise()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = new ReviewApp { Clock = clock };
        var admin = app.WithKey(ReviewApp.AdminKey);
        var week = await (await admin.PostAsJsonAsync("/v1/admin/keys/", new { name = "contractor", roles = new[] { "reviewer" }, expiresInDays = 7 })).JsonAsync();
        var standard = await (await admin.PostAsJsonAsync("/v1/admin/keys/", new { name = "intake", roles = new[] { "analyst" } })).JsonAsync();
        Assert.Equal(clock.GetUtcNow().AddDays(7), week.GetProperty("expiresAt").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.Equal(clock.GetUtcNow().AddDays(90), standard.GetProperty("expiresAt").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        var contractor = app.WithKey(week.GetProperty("key").GetString()!);
        var intake = app.WithKey(standard.GetProperty("key").GetString()!);

        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await contractor.GetAsync("/v1/queue")).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await contractor.GetAsync("/v1/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await intake.GetAsync("/v1/me")).StatusCode);
        clock.Advance(TimeSpan.FromDays(83));
        Assert.Equal(HttpStatusCode.Unauthorized, (await intake.GetAsync("/v1/me")).StatusCode);
        var listed = await (await admin.GetAsync("/v1/admin/keys/")).JsonAsync();
        Assert.Contains(listed.EnumerateArray(), k => k.GetProperty("name").GetString() == "contractor" && k.GetProperty("expiresAt").ValueKind == System.Text.Json.JsonValueKind.String);
    }

    [Fact, Trait("Storage", "SqliteOnly")]
    public async Task AKeyIssuedBeforeKeysExpiredKeepsWorkingAfterTheUpgradeAndIsListedWithoutAnExpiry()
    {
        const string Key = "rsk_issued-by-an-older-release";
        var (database, db) = await OldSqliteSchema.CreateAsync(5);
        await using (db)
        {
            await db.ExecuteAsync("""
                INSERT INTO api_keys (id, name, key_sha256, roles, created_by, created_at)
                VALUES (@id, 'legacy-intake', @hash, 'analyst', 'admin-1', 1000)
                """, new { id = Guid.NewGuid().ToString(), hash = ReviewApp.Sha256(Key) });
        }

        using var app = new ReviewApp(database);
        var me = await (await app.WithKey(Key).GetAsync("/v1/me")).JsonAsync();
        Assert.Equal("legacy-intake", me.GetProperty("name").GetString());
        var listed = await (await app.WithKey(ReviewApp.AdminKey).GetAsync("/v1/admin/keys/")).JsonAsync();
        var legacy = listed.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "legacy-intake");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, legacy.GetProperty("expiresAt").ValueKind);
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
