using System.Globalization;
using System.Text.Json;
using BookingSystem.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>
/// Plays the booking and payment services against a running InventoryService:
/// <list type="number">
/// <item>binds its own queue to <c>inventory.#</c> before anything is published, so no outcome can be missed;</item>
/// <item>reads the item list over HTTP, plans the bookings (seeded), and keeps the simulated items' counters as
/// "before" (with stays: the held + confirmed of each night the stays can use, from the items' calendars);</item>
/// <item>publishes every BookingCreated, concurrently, each publish awaited with a confirm and a timeout;</item>
/// <item>on each booking's first InventoryReserved publishes PaymentSucceeded or PaymentFailed as planned (never-pay ones get nothing);</item>
/// <item>waits until every booking has a final outcome (or the timeout), then a little longer for late duplicates;</item>
/// <item>reads the counters again and reports.</item>
/// </list>
/// A broker restart in the middle (the repository's resilience tests restart the shared node) is survived: the
/// connection recovers by itself, the observer queue is durable (deleted at the end, and by the broker after
/// <see cref="ObserverQueueExpiry"/> unused if the run dies), events are acked only once recorded (redelivered
/// copies are dropped by eventId), and a publish cut off by the outage is retried with the same eventId (the
/// service's inbox makes a second copy harmless).
/// </summary>
public sealed class SimulationRunner(SimulationOptions options, BrokerSettings brokerSettings, Uri api, TextWriter output, TimeProvider time)
{
    public static readonly TimeSpan ObserverQueueExpiry = TimeSpan.FromMinutes(10);

    private const string UserId = "simulator";

    /// <summary>How long one message may keep failing to publish (e.g. while the broker restarts) before it counts as failed.</summary>
    public static readonly TimeSpan PublishRetryBudget = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly List<Task> _payments = [];
    private OutcomeLedger _ledger = null!;
    private SemaphoreSlim _inFlight = null!;
    private BrokerClient _broker = null!;
    private long _started;
    private int _published;
    private int _paymentsSucceeded;
    private int _paymentsFailed;
    private int _publishFailures;
    private int _unreadableEvents;
    private string? _firstFailure;
    private int _connectionLosses;
    private int _recoveries;

    public async Task<SimulationReport> RunAsync(CancellationToken ct)
    {
        using var inventory = InventoryApi.Create(api);
        await using var broker = await BrokerClient.ConnectAsync(brokerSettings, options.Concurrency, ct, automaticRecovery: true);
        _broker = broker;
        broker.Connection.ConnectionShutdownAsync += (_, args) =>
        {
            if (args.Initiator == ShutdownInitiator.Application)
            {
                return Task.CompletedTask;
            }

            Interlocked.Increment(ref _connectionLosses);
            return output.WriteLineAsync($"  broker connection lost: {args.ReplyText}; reconnecting ...");
        };
        broker.Connection.RecoverySucceededAsync += (_, _) =>
        {
            Interlocked.Increment(ref _recoveries);
            return output.WriteLineAsync("  broker connection recovered");
        };
        using var inFlight = new SemaphoreSlim(options.Concurrency);
        _inFlight = inFlight;
        await broker.DeclareExchangeAsync(ct);

        var runId = SimulationPlan.NewRunId();
        await using var observer = await broker.Connection.CreateChannelAsync(cancellationToken: ct);
        var queue = $"booking-cli.simulate.{runId}";
        await observer.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-expires"] = (int)ObserverQueueExpiry.TotalMilliseconds }, cancellationToken: ct);
        await observer.QueueBindAsync(queue, brokerSettings.Exchange, "inventory.#", cancellationToken: ct);
        await observer.BasicQosAsync(0, 1_000, global: false, ct);

        IReadOnlyDictionary<string, StockItem> list;
        try
        {
            list = await inventory.ListAllAsync(ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new HttpRequestException($"Cannot read the item list from {inventory.BaseAddress}api/inventory: {e.Message} (is ./eng/run.sh running? --api points elsewhere)", e);
        }

        var plan = SimulationPlan.Create(options, list.Values.ToList(), runId);
        IReadOnlyDictionary<CounterKey, int> before;
        try
        {
            before = await ReadCountersAsync(inventory, plan, list, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new HttpRequestException($"Cannot read the nightly items' calendars: {e.Message} " +
                "(GET /api/inventory/{itemId}/calendar, anonymous; --api can name the service instead of the gateway)",
                e);
        }

        _ledger = new OutcomeLedger(plan.Bookings, plan.ItemIds);
        WriteHeader(plan, list, queue, inventory.BaseAddress!);

        var consumer = new AsyncEventingBasicConsumer(observer);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            Observe(delivery.RoutingKey, delivery.Body);
            try
            {
                await observer.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
            }
            catch (OperationInterruptedException)
            {
                // The connection dropped: the broker redelivers the event, and the ledger drops the copy by its eventId.
            }
        };
        var consumerTag = await observer.BasicConsumeAsync(queue, autoAck: false, consumer, ct);

        _started = time.GetTimestamp();
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = ReportProgressAsync(plan.Bookings.Count, stopProgress.Token);

        await Task.WhenAll(plan.Bookings.Select(b => PublishAsync(BookingMessages.Created(b, UserId, options.HoldMinutes, time.GetUtcNow()), () => Interlocked.Increment(ref _published), ct)));
        var publishedAfter = time.GetElapsedTime(_started);

        var finished = await WaitForFinalOutcomesAsync(ct);
        if (finished)
        {
            // Every booking has an outcome; a duplicate (a second outcome) would come right behind it.
            await Task.Delay(options.Settle, time, ct);
        }

        await stopProgress.CancelAsync();
        await progress;
        var total = time.GetElapsedTime(_started);

        // No more events, so no more payments: the ones started are all awaited.
        await RemoveObserverAsync(observer, consumerTag, queue);
        Task[] payments;
        lock (_gate)
        {
            payments = [.. _payments];
        }

        await Task.WhenAll(payments);

        IReadOnlyDictionary<CounterKey, int>? after = null;
        string? countersError = null;
        try
        {
            after = await ReadCountersAsync(inventory, plan, list: null, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            countersError = e.Message;
        }

        if (_unreadableEvents > 0)
        {
            await output.WriteLineAsync($"  {_unreadableEvents} event(s) on inventory.# could not be read as their contract says (ignored).");
        }

        lock (_gate)
        {
            return SimulationReport.Create(plan, options, _ledger, before, after, countersError,
                new RunTimings(publishedAfter, _ledger.LastFinalOutcomeAt, total),
                new PublishTally(_published, _paymentsSucceeded, _paymentsFailed, _publishFailures, _firstFailure, _connectionLosses, _recoveries));
        }
    }

    /// <summary>
    /// The counters the consistency check compares: the pool items' <c>reserved</c> (from <paramref name="list"/>, or
    /// listed now), or with stays every night of the nightly items that a stay of the window can use.
    /// </summary>
    private async Task<IReadOnlyDictionary<CounterKey, int>> ReadCountersAsync(
        InventoryApi inventory, SimulationPlan plan, IReadOnlyDictionary<string, StockItem>? list,
        CancellationToken ct) =>
        options.Stays is { } stays
            ? await inventory.ReadNightsAsync(plan.ItemIds, stays.FirstCheckIn, stays.End, ct)
            : StockCounters.OfItems(list ?? await inventory.ListAllAsync(ct), plan.ItemIds);

    private void Observe(string routingKey, ReadOnlyMemory<byte> body)
    {
        ObservedEvent? observed;
        try
        {
            observed = ObservedEvent.Parse(routingKey, body.Span);
        }
        catch (JsonException)
        {
            Interlocked.Increment(ref _unreadableEvents);
            return;
        }

        if (observed is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_ledger.Observe(observed, time.GetElapsedTime(_started)) is { } payment)
            {
                // Each payment is its own awaited publish (collected and awaited at the end), not fire-and-forget.
                _payments.Add(PublishAsync(BookingMessages.Payment(payment, time.GetUtcNow()), () => CountPayment(payment.Succeeds), CancellationToken.None));
            }
        }
    }

    private void CountPayment(bool succeeds)
    {
        if (succeeds)
        {
            Interlocked.Increment(ref _paymentsSucceeded);
        }
        else
        {
            Interlocked.Increment(ref _paymentsFailed);
        }
    }

    /// <summary>One publish, awaited with its confirm; retried with the same eventId while the broker is away.</summary>
    private async Task PublishAsync(OutgoingMessage message, Action onConfirmed, CancellationToken ct)
    {
        await _inFlight.WaitAsync(ct);
        try
        {
            var firstAttempt = time.GetTimestamp();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _broker.PublishAsync(message, ct);
                    onConfirmed();
                    return;
                }
                catch (BrokerException e) when (e.IsRetriable && time.GetElapsedTime(firstAttempt) < PublishRetryBudget)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 250 * Math.Pow(2, Math.Min(attempt, 5)))), time, ct);
                }
                catch (BrokerException e)
                {
                    Interlocked.Increment(ref _publishFailures);
                    Interlocked.CompareExchange(ref _firstFailure, $"{message.EventType} {message.CorrelationId}: {e.Message}", null);
                    return;
                }
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>Stops consuming and deletes the observer queue; if the broker is gone, the queue's expiry removes it.</summary>
    private static async Task RemoveObserverAsync(IChannel observer, string consumerTag, string queue)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await observer.BasicCancelAsync(consumerTag, noWait: false, timeout.Token);
            await observer.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: timeout.Token);
        }
        catch (Exception e) when (e is OperationInterruptedException or OperationCanceledException)
        {
            // Left to x-expires.
        }
    }

    private async Task<bool> WaitForFinalOutcomesAsync(CancellationToken ct)
    {
        while (time.GetElapsedTime(_started) < options.Timeout)
        {
            lock (_gate)
            {
                if (_ledger.AllHaveFinalOutcome)
                {
                    return true;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct);
        }

        return false;
    }

    private async Task ReportProgressAsync(int bookings, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await WriteProgressAsync(bookings);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: one last line with the final numbers.
        }

        await WriteProgressAsync(bookings);
    }

    private async Task WriteProgressAsync(int bookings)
    {
        ProgressSnapshot snapshot;
        lock (_gate)
        {
            snapshot = _ledger.Progress();
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"[{time.GetElapsedTime(_started).TotalSeconds,5:0.0}s] published {Volatile.Read(ref _published)}/{bookings} | reserved {snapshot.Reserved} | failed {snapshot.Failed} | confirmed {snapshot.Confirmed} | released {snapshot.Released} | pending {snapshot.Pending}"));
    }

    private void WriteHeader(
        SimulationPlan plan, IReadOnlyDictionary<string, StockItem> list, string queue, Uri apiAddress)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Simulating {plan.Bookings.Count} bookings over {plan.ItemIds.Count} items (run {plan.RunId}, seed {options.Seed}): 1-{options.LinesMax} lines of quantity 1-{options.QuantityMax}, " +
            $"payment failure {options.PaymentFailureRate:P0}, never pay {options.NeverPayRate:P0}, hold {options.HoldMinutes} min, {options.Concurrency} publishes in flight, timeout {options.Timeout.TotalSeconds:0} s"));
        output.WriteLine($"  API {apiAddress}  broker {brokerSettings}  observing inventory.# on {queue}");
        if (options.Stays is { } stays)
        {
            var lastCheckIn = stays.FirstCheckIn.AddDays(StayWindow.Days - 1);
            output.WriteLine(Invariant($"  stays of 1-{StayWindow.MaxNights} nights checking in ") +
                $"{LineText.Date(stays.FirstCheckIn)}..{LineText.Date(lastCheckIn)}; " +
                "nightly items (capacity per night): " +
                string.Join(", ", plan.ItemIds.Select(id => Invariant($"{id} ({list[id].Total})"))));
            return;
        }

        output.WriteLine("  items (available now): " +
            string.Join(", ", plan.ItemIds.Select(id => Invariant($"{id} ({list[id].Available})"))));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
