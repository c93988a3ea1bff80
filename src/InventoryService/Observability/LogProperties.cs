namespace BookingSystem.InventoryService.Observability;

/// <summary>
/// Names of the log event properties a booking's story is searched by (in Seq: <c>CorrelationId = 'abc'</c>). The
/// consumed message's id is <c>MessageEventId</c>, not <c>EventId</c>: that name is the log event's own id (the
/// <c>[LoggerMessage]</c> event id).
/// </summary>
public static class LogProperties
{
    public const string CorrelationId = "CorrelationId";
    public const string BookingId = "BookingId";
    public const string MessageEventId = "MessageEventId";
    public const string MessageEventType = "MessageEventType";
    public const string MessageQueue = "MessageQueue";
}
