using BookingSystem.Cli.Messaging;
using BookingSystem.Cli.Messaging.Simulation;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// What handles the work a <see cref="BrokerTarget"/> publishes: the InventoryService process, or the broker echo.
/// </summary>
public interface IWorkHandler : IAsyncDisposable
{
    /// <summary>
    /// Put in front of each routing key, so work meant for the echo never lands in the service's queues.
    /// </summary>
    public string RoutingPrefix { get; }

    public string? Failure { get; }

    /// <summary>The process that handles the work when it is not the bench's own (the service).</summary>
    public int? ProcessId { get; }

    /// <summary>
    /// Ready to consume (or, with <paramref name="drain"/>, not consuming until <see cref="StartAsync"/>).
    /// </summary>
    public Task PrepareAsync(bool drain, CancellationToken ct);

    public Task StartAsync(CancellationToken ct);

    public TargetStats Stats();
}

/// <summary>
/// A target behind the broker: publishes each BookingCreated and payment to the platform exchange (persistent,
/// mandatory, confirmed, with a timeout) and observes the outcomes on an <see cref="OutcomeObserver"/>.
/// </summary>
public sealed class BrokerTarget(string name, BrokerClient publisher, IWorkHandler handler, TimeProvider time) : IBenchTarget
{
    /// <summary>
    /// The hold of every booking that is not left to expire: longer than any phase, so none expires by accident.
    /// </summary>
    public const int HoldMinutes = 60;

    public const string UserId = "bench";

    private OutcomeObserver? _observer;

    public string Name { get; } = name;

    public string? Failure => handler.Failure;

    public int? ProcessId => handler.ProcessId;

    public async Task PrepareAsync(Action<ObservedEvent, long> onOutcome, bool drain, CancellationToken ct)
    {
        _observer = await OutcomeObserver.StartAsync(publisher.Settings, onOutcome, time, ct);
        await handler.PrepareAsync(drain, ct);
    }

    public Task StartAsync(CancellationToken ct) => handler.StartAsync(ct);

    public Task SendAsync(BenchWork work, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var message = work.Payment is { } payment
            ? BookingMessages.Payment(payment, now)
            // One left to expire takes the service's (short) default hold.
            : BookingMessages.Created(work.Booking, UserId, work.Booking.Payment == PaymentPlan.LetExpire ? null : HoldMinutes, now);
        return publisher.PublishAsync(message with { RoutingKey = handler.RoutingPrefix + message.RoutingKey }, ct);
    }

    public TargetStats Stats() => handler.Stats();

    public async ValueTask DisposeAsync()
    {
        await handler.DisposeAsync();
        if (_observer is not null)
        {
            await _observer.DisposeAsync();
        }
    }
}
