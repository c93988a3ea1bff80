using BookingSystem.Contracts;
using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>
/// A feature's handler of the messages of one queue, resolved from the DI scope of the batch it works on: it turns
/// an envelope into the feature's command (field checks beyond the JSON shape; their errors make the DLQ reason) and
/// applies a batch of commands in one unit of work. Registered with
/// <see cref="MessagingBuilder.AddConsumer{TEvent, TCommand, THandler}"/>.
/// </summary>
public interface IEventHandler<TEvent, TCommand> where TEvent : class
{
    /// <summary>
    /// Runs once per batch before <see cref="ToCommand"/>, on the events that parsed: loads what the field checks
    /// read.
    /// </summary>
    public Task PrepareAsync(IReadOnlyList<TEvent> events) => Task.CompletedTask;

    /// <summary>The command, meaningful only when <paramref name="errors"/> stays empty.</summary>
    public TCommand ToCommand(EventEnvelope<TEvent> envelope, ValidationErrors errors);

    /// <summary>The booking a command is about: a property of its log events and a tag of its span.</summary>
    public string BookingIdOf(TCommand command);

    /// <summary>
    /// Applies the batch in one transaction; one short outcome per message, in order (log, span, metrics).
    /// </summary>
    public Task<IReadOnlyList<string>> HandleAsync(IReadOnlyList<Consumed<TCommand>> batch, CancellationToken ct);
}
