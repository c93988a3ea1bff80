using System.Text.Json;
using System.Text.Json.Serialization;

namespace BookingSystem.Contracts;

/// <summary>The serializer settings of the wire format: camelCase, enums as strings, unknown fields ignored.</summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Missing required members and nulls in non-nullable ones are errors, not defaults.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
}
