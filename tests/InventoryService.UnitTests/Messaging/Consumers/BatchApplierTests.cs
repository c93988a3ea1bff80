using System.Diagnostics.Metrics;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Messaging.Consumers;
using BookingSystem.InventoryService.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingSystem.InventoryService.UnitTests.Messaging.Consumers;

/// <summary>
/// The applier's settlement rules, against a recording settlement and an apply that fails on cue: no broker, no
/// database.
/// </summary>
public sealed class BatchApplierTests
{
    private readonly RecordingSettlement _settlement = new();
    private readonly List<IReadOnlyList<ulong>> _applied = [];

    /// <summary>
    /// What <see cref="Apply"/> throws for a batch that contains the key, the next times it is asked (a queue per key).
    /// </summary>
    private readonly Dictionary<ulong, Queue<Exception>> _failures = [];

    [Fact]
    public async Task A_batch_is_applied_once_and_acked_with_one_multiple_ack_up_to_its_highest_tag()
    {
        await Applier().SettleAsync(Batch(1, 2, 3), CancellationToken.None);

        Assert.Equal([[1UL, 2UL, 3UL]], _applied);
        Assert.Equal(["ack 3 multiple"], _settlement.Calls);
    }

    [Fact]
    public async Task Rejected_messages_go_to_the_DLQ_before_the_rest_is_acked()
    {
        var triaged = new Triaged<ulong>([Deliveries.Accepted(2), Deliveries.Accepted(4)],
            [new Rejected(Deliveries.Json(1, "x"), "bad 1"), new Rejected(Deliveries.Json(3, "y"), "bad 3")]);

        await Applier().SettleAsync(triaged, CancellationToken.None);

        Assert.Equal(["dead-letter 1: bad 1", "dead-letter 3: bad 3", "ack 4 multiple"], _settlement.Calls);
    }

    [Fact]
    public async Task While_the_database_is_away_the_batch_is_held_and_then_applied_whole_without_a_requeue()
    {
        FailTimes(1, 3, Unavailable);

        await Applier().SettleAsync(Batch(1, 2), CancellationToken.None);

        Assert.Equal(4, _applied.Count);
        Assert.All(_applied, batch => Assert.Equal([1UL, 2UL], batch));
        Assert.Equal(["ack 2 multiple"], _settlement.Calls);
    }

    [Fact]
    public async Task A_failing_message_is_found_by_applying_one_by_one_requeued_alone_before_its_neighbours_are_acked()
    {
        FailTimes(3, 2, () => new InvalidOperationException("refused"));

        await Applier().SettleAsync(Batch(1, 2, 3, 4, 5), CancellationToken.None);

        Assert.Equal([[1UL, 2UL, 3UL, 4UL, 5UL], [1UL], [2UL], [3UL], [4UL], [5UL]], _applied);
        Assert.Equal(["requeue 3", "ack 5 multiple"], _settlement.Calls);
    }

    [Theory]
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    [InlineData(PostgresErrorCodes.QueryCanceled)]
    public async Task A_lock_or_statement_timeout_is_not_held_like_an_outage_but_split_and_the_stuck_message_requeued(string sqlState)
    {
        FailTimes(2, 2, () => new PostgresException("timed out", "ERROR", "ERROR", sqlState));

        await Applier().SettleAsync(Batch(1, 2, 3), CancellationToken.None);

        Assert.Equal([[1UL, 2UL, 3UL], [1UL], [2UL], [3UL]], _applied);
        Assert.Equal(["requeue 2", "ack 3 multiple"], _settlement.Calls);
    }

    [Fact]
    public async Task At_shutdown_a_batch_held_for_the_database_goes_back_to_the_queue()
    {
        FailTimes(1, 100, Unavailable);
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        await Applier().SettleAsync(Batch(1), stopping.Token);

        Assert.Equal(["requeue 1"], _settlement.Calls);
    }

    [Fact]
    public async Task At_shutdown_a_held_batch_goes_back_whole_without_trying_each_message_against_the_absent_database()
    {
        FailTimes(1, 100, Unavailable);
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        await Applier().SettleAsync(Batch(1, 2, 3), stopping.Token);

        Assert.Equal([[1UL, 2UL, 3UL]], _applied);
        Assert.Equal(["requeue 1", "requeue 2", "requeue 3"], _settlement.Calls);
    }

    [Fact]
    public async Task Nothing_is_acked_when_every_message_failed()
    {
        FailTimes(1, 2, () => new InvalidOperationException("refused"));
        FailTimes(2, 2, () => new InvalidOperationException("refused"));

        await Applier().SettleAsync(Batch(1, 2), CancellationToken.None);

        Assert.Equal(["requeue 1", "requeue 2"], _settlement.Calls);
    }

    private static Exception Unavailable() => new NpgsqlException("connection refused", new System.Net.Sockets.SocketException());

    private static Triaged<ulong> Batch(params ulong[] tags) => new([.. tags.Select(Deliveries.Accepted)], []);

    private void FailTimes(ulong key, int times, Func<Exception> error) =>
        _failures[key] = new Queue<Exception>(Enumerable.Range(0, times).Select(_ => error()));

    private BatchApplier<ulong> Applier()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new InventoryMetrics(services.GetRequiredService<IMeterFactory>());
        var crashPoints = new CrashPoints(Options.Create(new FaultOptions()), NullLogger<CrashPoints>.Instance);
        return new BatchApplier<ulong>("q", "BookingCreated", _settlement, Apply, metrics, crashPoints, NullLogger.Instance,
            holdBase: TimeSpan.FromMilliseconds(1));
    }

    private Task<IReadOnlyList<string>> Apply(IReadOnlyList<Consumed<ulong>> batch)
    {
        var keys = batch.Select(m => m.Command).ToList();
        _applied.Add(keys);
        foreach (var key in keys)
        {
            if (_failures.TryGetValue(key, out var left) && left.TryDequeue(out var error))
            {
                throw error;
            }
        }

        return Task.FromResult<IReadOnlyList<string>>([.. keys.Select(_ => "Applied")]);
    }

    private sealed class RecordingSettlement : IDeliverySettlement
    {
        public List<string> Calls { get; } = [];

        public bool IsOpen => true;

        public Task AckAsync(ulong tag, bool multiple)
        {
            Calls.Add($"ack {tag}{(multiple ? " multiple" : "")}");
            return Task.CompletedTask;
        }

        public Task RequeueAsync(ulong tag)
        {
            Calls.Add($"requeue {tag}");
            return Task.CompletedTask;
        }

        public Task DeadLetterAsync(Delivery delivery, string reason)
        {
            Calls.Add($"dead-letter {delivery.Tag}: {reason}");
            return Task.CompletedTask;
        }
    }
}
