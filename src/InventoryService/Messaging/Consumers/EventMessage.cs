using System.Text;
using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>Parses and checks an incoming envelope; a failure carries the reason that goes into the DLQ header.</summary>
public static class EventMessage
{
    public static bool TryParse<TEvent>(ReadOnlySpan<byte> body, string expectedEventType, out EventEnvelope<TEvent>? envelope, out string? reason)
        where TEvent : class
    {
        envelope = null;
        try
        {
            envelope = JsonSerializer.Deserialize<EventEnvelope<TEvent>>(body, ContractJson.Options);
        }
        catch (JsonException e)
        {
            reason = $"Malformed JSON or missing required field: {e.Message}";
            return false;
        }
        catch (DecoderFallbackException)
        {
            reason = "The body is not UTF-8 text.";
            return false;
        }

        reason = envelope switch
        {
            null => "The body is JSON null.",
            { Data: null } => "data is missing.",
            _ when !Identifiers.IsValid(envelope.EventId) => Identifiers.Describe("eventId"),
            _ when !Identifiers.IsValid(envelope.CorrelationId) => Identifiers.Describe("correlationId"),
            _ when envelope.CausationId is not null && !Identifiers.IsValid(envelope.CausationId) => Identifiers.Describe("causationId"),
            _ when !string.Equals(envelope.EventType, expectedEventType, StringComparison.Ordinal) =>
                $"eventType is '{envelope.EventType}' but this queue takes '{expectedEventType}'.",
            _ => null,
        };
        return reason is null;
    }
}
