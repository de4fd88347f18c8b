using System.Text.Json;
using System.Text.Json.Serialization;

namespace Neocloud.Domain.Catalog;

/// <summary>The JSON conventions of the reference data: camelCase, kebab-case enums, nothing unknown, nothing missing.</summary>
public static class CatalogJson
{
    /// <summary>Strict options for reading and writing catalog records.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = JsonNumberHandling.Strict,
        PropertyNameCaseInsensitive = false,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };
}
