using System.Text.Json;
using System.Text.Json.Serialization;

namespace Neocloud.Exchange.Events;

/// <summary>The JSON conventions of everything the exchange shows its users (the API's bodies, event data): camelCase, enums as kebab-case strings.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters =
        {
            new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower),
            new Neocloud.Offtake.OfftakeJson.CalendarMonthConverter(),
        },
    };
}
