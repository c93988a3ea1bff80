using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging;

/// <summary>Which routing key an event type travels under (the contract's <see cref="EventCatalog"/>).</summary>
public static class EventRouting
{
    public static string? RoutingKeyOf(string? eventType) => EventCatalog.Find(eventType)?.RoutingKey;
}
