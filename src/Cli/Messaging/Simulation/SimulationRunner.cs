using System.Globalization;
using System.Text.Json;
using BookingSystem.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>
/// Plays the booking and payment services against a running InventoryService:
/// <list type="number">
/// <item>binds its own exclusive, auto-delete, server-named queue to <c>inventory.#</c> (so no outcome can be missed);</item>
/// <item>reads the item list over HTTP, plans the bookings (seeded), and keeps the simulated items' counters as "before";</item>
/// <item>publishes every BookingCreated, concurrently, each publish awaited with a confirm and a timeout;</item>
/// <item>on each booking's first InventoryReserved publishes PaymentSucceeded or PaymentFailed as planned (never-pay ones get nothing);</item>
/// <item>waits until every booking has a final outcome (or the timeout), then a little longer for late duplicates;</item>
/// <item>reads the counters again and reports.</item>
/// </list>
/// </summary>
public sealed class SimulationRunner(SimulationOptions options, BrokerSettings brokerSettings, Uri api, TextWriter output, TimeProvider time)
{
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

    public async Task<SimulationReport> RunAsync(CancellationToken ct)
    {
        using var inventory = InventoryApi.Create(api);
        await using var broker = await BrokerClient.ConnectAsync(brokerSettings, options.Concurrency, ct);
        _broker = broker;
        using var inFlight = new SemaphoreSlim(options.Concurrency);
        _inFlight = inFlight;
        await broker.DeclareExchangeAsync(ct);

        await using var observer = await broker.Connection.CreateChannelAsync(cancellationToken: ct);
        var queue = (await observer.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true, cancellationToken: ct)).QueueName;
        await observer.QueueBindAsync(queue, brokerSettings.Exchange, "inventory.#", cancellationToken: ct);

        IReadOnlyDictionary<string, StockItem> before;
        try
        {
            before = await inventory.ListAllAsync(ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new HttpRequestException($"Cannot read the item list from {inventory.BaseAddress}api/inventory: {e.Message} (is ./eng/run.sh running? --api points elsewhere)", e);
        }

        var plan = SimulationPlan.Create(options, before.Values.ToList(), SimulationPlan.NewRunId());
        _ledger = new OutcomeLedger(plan.Bookings, plan.ItemIds);
        WriteHeader(plan, before, queue, inventory.BaseAddress!);

        var consumer = new AsyncEventingBasicConsumer(observer);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Observe(delivery.RoutingKey, delivery.Body);
            return Task.CompletedTask;
        };
        var consumerTag = await observer.BasicConsumeAsync(queue, autoAck: true, consumer, ct);

        _started = time.GetTimestamp();
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = ReportProgressAsync(plan.Bookings.Count, stopProgress.Token);

        await Task.WhenAll(plan.Bookings.Select(b => PublishAsync(BookingCreatedOf(b), () => Interlocked.Increment(ref _published), ct)));
        var publishedAfter = time.GetElapsedTime(_started);

        var finished = await WaitForFinalOutcomesAsync(ct);
        if (finished)
        {
            // Every booking has an outcome; a duplicate (a second outcome) would come right behind it.
            await Task.Delay(options.Settle, time, ct);
        }

        await observer.BasicCancelAsync(consumerTag, noWait: false, ct);
        await stopProgress.CancelAsync();
        await progress;
        Task[] payments;
        lock (_gate)
        {
            payments = [.. _payments];
        }

        await Task.WhenAll(payments);
        var total = time.GetElapsedTime(_started);

        IReadOnlyDictionary<string, StockItem>? after = null;
        string? countersError = null;
        try
        {
            after = await inventory.ListAllAsync(ct);
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
                new PublishTally(_published, _paymentsSucceeded, _paymentsFailed, _publishFailures, _firstFailure));
        }
    }

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
                _payments.Add(PublishAsync(PaymentOf(payment), () => CountPayment(payment.Succeeds), CancellationToken.None));
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

    private async Task PublishAsync(OutgoingMessage message, Action onConfirmed, CancellationToken ct)
    {
        await _inFlight.WaitAsync(ct);
        try
        {
            await _broker.PublishAsync(message, ct);
            onConfirmed();
        }
        catch (BrokerException e)
        {
            Interlocked.Increment(ref _publishFailures);
            Interlocked.CompareExchange(ref _firstFailure, $"{message.EventType} {message.CorrelationId}: {e.Message}", null);
        }
        finally
        {
            _inFlight.Release();
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

    private void WriteHeader(SimulationPlan plan, IReadOnlyDictionary<string, StockItem> before, string queue, Uri apiAddress)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Simulating {plan.Bookings.Count} bookings over {plan.ItemIds.Count} items (run {plan.RunId}, seed {options.Seed}): 1-{options.LinesMax} lines of quantity 1-{options.QuantityMax}, " +
            $"payment failure {options.PaymentFailureRate:P0}, never pay {options.NeverPayRate:P0}, hold {options.HoldMinutes} min, {options.Concurrency} publishes in flight, timeout {options.Timeout.TotalSeconds:0} s"));
        output.WriteLine($"  API {apiAddress}  broker {brokerSettings}  observing inventory.# on {queue}");
        output.WriteLine("  items (available now): " + string.Join(", ", plan.ItemIds.Select(id => string.Create(CultureInfo.InvariantCulture, $"{id} ({before[id].Available})"))));
    }

    private OutgoingMessage BookingCreatedOf(PlannedBooking booking) =>
        OutgoingMessage.ForEvent(RoutingKeys.BookingCreated, EventTypes.BookingCreated,
            new BookingCreated(booking.BookingId, UserId: "simulator", Items: booking.Lines, Amount: 100m * booking.Units, Currency: "EUR", HoldMinutes: options.HoldMinutes),
            booking.CorrelationId, Guid.CreateVersion7().ToString(), causationId: null, time.GetUtcNow());

    private OutgoingMessage PaymentOf(PaymentToSend payment)
    {
        var booking = payment.Booking;
        return payment.Succeeds
            ? OutgoingMessage.ForEvent(RoutingKeys.PaymentSucceeded, EventTypes.PaymentSucceeded,
                new PaymentSucceeded(booking.BookingId, $"pay-{booking.BookingId}", 100m * booking.Units, "EUR"),
                booking.CorrelationId, Guid.CreateVersion7().ToString(), payment.CausationId, time.GetUtcNow())
            : OutgoingMessage.ForEvent(RoutingKeys.PaymentFailed, EventTypes.PaymentFailed,
                new PaymentFailed(booking.BookingId, $"pay-{booking.BookingId}", "card declined (simulated)"),
                booking.CorrelationId, Guid.CreateVersion7().ToString(), payment.CausationId, time.GetUtcNow());
    }
}
