using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReviewService.Storage;

/// <summary>How records are stored in JSON columns: the API's camelCase, nulls left out.</summary>
static class StoredJson
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, Options);
}
