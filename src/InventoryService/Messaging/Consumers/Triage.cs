using System.Diagnostics;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Observability;
using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>A delivery that passed triage, as its feature will see it.</summary>
public sealed record Accepted<TCommand>(Delivery Delivery, Consumed<TCommand> Message);

/// <summary>A delivery that failed triage and goes to the DLQ with <see cref="Reason"/>.</summary>
public sealed record Rejected(Delivery Delivery, string Reason);

/// <summary>A batch after triage, in delivery order within each list.</summary>
public sealed record Triaged<TCommand>(IReadOnlyList<Accepted<TCommand>> Accepted, IReadOnlyList<Rejected> Rejected);

/// <summary>
/// Sorts the deliveries of one queue into the ones its feature gets and the ones that go to the DLQ with the reason:
/// too large (checked before anything reads the body), not JSON, not the queue's event envelope, or failing the
/// feature's field checks. An accepted one gets its span (started, not made current: a batch's work runs outside any
/// one message) and its log properties (correlation id, booking id, event id and type, queue).
/// </summary>
public sealed class Triage<TEvent, TCommand>(
    ConsumerQueue<TEvent> queue,
    int maxMessageBytes,
    Func<EventEnvelope<TEvent>, ValidationErrors, TCommand> toCommand,
    Func<TCommand, string> bookingIdOf,
    ILogger logger,
    Func<IReadOnlyList<TEvent>, Task>? prepare = null) where TEvent : class
{
    /// <param name="batch">In delivery order.</param>
    /// <remarks>
    /// <c>prepare</c> runs once per batch on the events that parsed, before any becomes a command: the feature
    /// loads there what its field checks read (which items are sold by the night).
    /// </remarks>
    public async Task<Triaged<TCommand>> SortAsync(IReadOnlyList<Delivery> batch)
    {
        var parsed = new List<(Delivery Delivery, EventEnvelope<TEvent> Envelope)>(batch.Count);
        var rejected = new List<Rejected>();
        foreach (var delivery in batch)
        {
            EventEnvelope<TEvent>? envelope = null;
            if ((Check(delivery) ?? Parse(delivery, out envelope)) is { } reason)
            {
                rejected.Add(new Rejected(delivery, reason));
            }
            else
            {
                parsed.Add((delivery, envelope!));
            }
        }

        if (prepare is not null && parsed.Count > 0)
        {
            await prepare([.. parsed.Select(p => p.Envelope.Data)]);
        }

        var accepted = new List<Accepted<TCommand>>(parsed.Count);
        foreach (var (delivery, envelope) in parsed)
        {
            if (Read(envelope, out var command) is { } invalid)
            {
                rejected.Add(new Rejected(delivery, invalid));
            }
            else
            {
                accepted.Add(new Accepted<TCommand>(delivery, Accept(delivery, envelope, command!)));
            }
        }

        return new Triaged<TCommand>(accepted, [.. rejected.OrderBy(r => r.Delivery.Tag)]);
    }

    /// <summary>
    /// JSON, with or without parameters (<c>application/json; charset=utf-8</c>); a missing content type is taken as
    /// JSON.
    /// </summary>
    private static bool IsJson(string contentType) =>
        contentType.Split(';', 2)[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private string? Check(Delivery delivery)
    {
        if (delivery.Body.Length > maxMessageBytes)
        {
            // Before parsing: a huge body must not cost the memory and time of deserializing it.
            return $"Body of {delivery.Body.Length} bytes exceeds the limit of {maxMessageBytes} bytes.";
        }

        return delivery.Properties.ContentType is { } contentType && !IsJson(contentType)
            ? $"Content type '{LogText.Clean(contentType)}' is not application/json."
            : null;
    }

    /// <summary>The envelope, or the reason there is none.</summary>
    private string? Parse(Delivery delivery, out EventEnvelope<TEvent>? envelope) =>
        EventMessage.TryParse(delivery.Body.Span, queue.Event.EventType, out envelope, out var parseError)
            ? null
            : parseError;

    /// <summary>The command, or the reason there is none.</summary>
    private string? Read(EventEnvelope<TEvent> envelope, out TCommand? command)
    {
        command = default;
        var errors = new ValidationErrors();
        try
        {
            command = toCommand(envelope, errors);
        }
        catch (Exception e)
        {
            // The same message would fail the same way every time: a dead letter to replay once the bug is fixed.
            return $"The message could not be read into a command: {e.GetType().Name}: {LogText.Clean(e.Message)}";
        }

        return errors.IsEmpty ? null : "Invalid data: " + errors.Summarize();
    }

    private Consumed<TCommand> Accept(Delivery delivery, EventEnvelope<TEvent> envelope, TCommand command)
    {
        var bookingId = bookingIdOf(command);
        var outer = Activity.Current;
        var activity = MessagingActivities.StartProcess(queue.Queue, delivery.Properties);
        Activity.Current = outer;
        activity?.SetTag("messaging.message.conversation_id", envelope.CorrelationId)
            .SetTag("booking.id", bookingId)
            .SetTag("booking.event_type", envelope.EventType);
        var properties = new Dictionary<string, object>
        {
            [LogProperties.CorrelationId] = envelope.CorrelationId,
            [LogProperties.BookingId] = bookingId,
            [LogProperties.MessageEventId] = envelope.EventId,
            [LogProperties.MessageEventType] = envelope.EventType,
            [LogProperties.MessageQueue] = queue.Queue,
        };
        var origin = new MessageOrigin(queue.Queue, envelope.EventId, envelope.CorrelationId);
        return new Consumed<TCommand>(command, origin, activity, () => logger.BeginScope(properties));
    }
}
