using System.Text;
using System.Text.Json;
using BookingSystem.Cli.Messaging;
using BookingSystem.Cli.Tests.Infrastructure;
using BookingSystem.Contracts;
using BookingSystem.DeadLetters;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace BookingSystem.Cli.Tests.Commands;

/// <summary>
/// The real <c>booking</c> program against the real RabbitMQ from eng/infra.sh, each test in a throwaway vhost
/// with the InventoryService's queues declared as the service declares them (the service itself does not run).
/// </summary>
public sealed class BrokerVerbsTests : IAsyncLifetime
{
    private const string Queue = Topology.BookingCreatedQueue;
    private const string DeadLetterQueue = Queue + Topology.DeadLetterSuffix;
    private TestVirtualHost _vhost = null!;
    private IConnection _connection = null!;
    private IChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _vhost = await TestVirtualHost.CreateAsync("cli");
        _connection = await _vhost.ConnectionFactory().CreateConnectionAsync();
        _channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await ServiceTopology.DeclareAsync(_channel, Queue, RoutingKeys.BookingCreated);
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task Publish_booking_created_delivers_the_contract_envelope_to_the_bound_queue()
    {
        var run = await CliAsync("publish", "booking-created", "--booking-id", "b-1", "--item", "ROOM-101", "--quantity", "2", "--item", "ROOM-102");

        Assert.True(run.ExitCode == 0, run.ToString());
        var message = await _channel.BasicGetAsync(Queue, autoAck: true);
        Assert.NotNull(message);
        var envelope = JsonSerializer.Deserialize<EventEnvelope<BookingCreated>>(message.Body.Span, ContractJson.Options)!;
        Assert.Equal(RoutingKeys.BookingCreated, message.RoutingKey);
        Assert.Equal(envelope.EventId, message.BasicProperties.MessageId);
        Assert.Equal("b-1", message.BasicProperties.CorrelationId);
        Assert.Equal(EventTypes.BookingCreated, message.BasicProperties.Type);
        Assert.True(message.BasicProperties.Persistent);
        Assert.Equal(new[] { new BookingLine("ROOM-101", 2), new BookingLine("ROOM-102", 1) }, envelope.Data.Items);
        Assert.Contains($"eventId={envelope.EventId} routingKey=booking.created", run.Output, StringComparison.Ordinal);
        Assert.Contains($"/{_vhost.Name}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_with_no_queue_for_the_routing_key_fails_and_says_why()
    {
        var run = await CliAsync("publish", "payment-failed", "--booking-id", "b-2");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No queue is bound to exchange 'booking.events' with routing key 'payment.failed'", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Published", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dlq_list_shows_rejected_and_broker_dead_lettered_messages_and_consumes_none()
    {
        await FillDeadLetterQueueAsync();

        var first = await CliAsync("dlq", "list", "--queue", Queue);
        var second = await CliAsync("dlq", "list");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"{DeadLetterQueue}: 2 message(s)", first.Output, StringComparison.Ordinal);
        Assert.Contains("messageId=rejected-1 source=inventory.booking-created replayAs=booking.created", first.Output, StringComparison.Ordinal);
        Assert.Contains("reason: Invalid data: quantity must be between 1 and 1000.", first.Output, StringComparison.Ordinal);
        Assert.Contains("messageId=poison-1 source=inventory.booking-created replayAs=booking.created", first.Output, StringComparison.Ordinal);
        Assert.Contains("reason: rejected (broker, 1x)", first.Output, StringComparison.Ordinal);
        Assert.Contains("body:   {\"eventId\":\"poison-1\"", first.Output, StringComparison.Ordinal);
        Assert.Contains($"{DeadLetterQueue}: 2 message(s)", second.Output, StringComparison.Ordinal);
        Assert.Contains("inventory.payment-failed.dlq: does not exist", second.Output, StringComparison.Ordinal);
        Assert.Equal(2u, await _channel.MessageCountAsync(DeadLetterQueue));
    }

    [Fact]
    public async Task Dlq_list_and_replay_answer_a_queue_that_does_not_exist_with_the_same_error_and_exit_code()
    {
        var list = await CliAsync("dlq", "list", "--queue", "inventory.no-such-queue");
        var replay = await CliAsync("dlq", "replay", "--queue", "inventory.no-such-queue");

        Assert.Equal((1, 1), (list.ExitCode, replay.ExitCode));
        Assert.StartsWith("Queue 'inventory.no-such-queue.dlq' does not exist on ", list.Error, StringComparison.Ordinal);
        Assert.Equal(replay.Error, list.Error);
        Assert.Empty(list.Output);
    }

    [Fact]
    public async Task A_booking_published_with_a_stay_and_dead_lettered_is_listed_with_the_stay_of_each_line()
    {
        var publish = await CliAsync("publish", "booking-created", "--booking-id", "b-stay", "--event-id", "stay-1",
            "--item", "SUITE-1", "--quantity", "2", "--item", "ROOM-101",
            "--check-in", "2027-06-03", "--check-out", "2027-06-06");
        await ServiceTopology.WaitForCountAsync(_channel, Queue, 1);
        var delivery = await _channel.BasicGetAsync(Queue, autoAck: false);
        await _channel.BasicRejectAsync(delivery!.DeliveryTag, requeue: false);
        await ServiceTopology.WaitForCountAsync(_channel, DeadLetterQueue, 1);

        var list = await CliAsync("dlq", "list", "--queue", Queue);

        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.Contains("messageId=stay-1 source=inventory.booking-created", list.Output, StringComparison.Ordinal);
        Assert.Contains("lines:  SUITE-1 x2 2027-06-03..2027-06-06 (3 nights), " +
            "ROOM-101 x1 2027-06-03..2027-06-06 (3 nights)", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dlq_replay_moves_the_chosen_message_back_under_its_original_routing_key_then_the_rest()
    {
        await FillDeadLetterQueueAsync();

        var one = await CliAsync("dlq", "replay", "--queue", Queue, "--message-id", "rejected-1");
        await ServiceTopology.WaitForCountAsync(_channel, Queue, 1);
        var replayed = await _channel.BasicGetAsync(Queue, autoAck: true);
        var rest = await CliAsync("dlq", "replay", "--queue", DeadLetterQueue);
        await ServiceTopology.WaitForCountAsync(_channel, Queue, 1);
        var missing = await CliAsync("dlq", "replay", "--queue", Queue, "--message-id", "no-such-id");

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains("replayed rejected-1 -> booking.events / booking.created", one.Output, StringComparison.Ordinal);
        Assert.Contains($"Replayed 1 message(s) from {DeadLetterQueue}; 1 left in it.", one.Output, StringComparison.Ordinal);
        Assert.NotNull(replayed);
        Assert.Equal(("rejected-1", RoutingKeys.BookingCreated), (replayed.BasicProperties.MessageId, replayed.RoutingKey));
        Assert.Equal("""{"eventId":"rejected-1","bad":true}""", Encoding.UTF8.GetString(replayed.Body.Span));
        Assert.False(replayed.BasicProperties.Headers!.ContainsKey(Topology.RejectReasonHeader));
        Assert.Equal(DeadLetterQueue, DeadLetterHeaders.Text(replayed.BasicProperties.Headers, DeadLetterHeaders.ReplayedFrom));
        Assert.True(rest.ExitCode == 0, rest.ToString());
        Assert.Contains("replayed poison-1 -> booking.events / booking.created", rest.Output, StringComparison.Ordinal);
        Assert.Equal(0u, await _channel.MessageCountAsync(DeadLetterQueue));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No message with message_id 'no-such-id'", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_without_a_reachable_api_fails_with_a_hint()
    {
        var run = await CliAsync("simulate", "--bookings", "5", "--api", "http://127.0.0.1:9/");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Cannot read the item list from http://127.0.0.1:9/api/inventory", run.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// One message as the service rejects it (republished to the DLQ with its headers), one as the broker
    /// dead-letters it (rejected without requeue from the consumer queue: x-death).
    /// </summary>
    private async Task FillDeadLetterQueueAsync()
    {
        await _channel.BasicPublishAsync(Topology.DeadLetterExchange, DeadLetterQueue, mandatory: true,
            new BasicProperties
            {
                MessageId = "rejected-1",
                DeliveryMode = DeliveryModes.Persistent,
                Headers = new Dictionary<string, object?>
                {
                    [Topology.RejectReasonHeader] = "Invalid data: quantity must be between 1 and 1000.",
                    [Topology.SourceQueueHeader] = Queue,
                    [DeadLetterHeaders.OriginalRoutingKey] = RoutingKeys.BookingCreated,
                },
            },
            Encoding.UTF8.GetBytes("""{"eventId":"rejected-1","bad":true}"""));
        await _channel.BasicPublishAsync(Topology.Exchange, RoutingKeys.BookingCreated, mandatory: true,
            new BasicProperties { MessageId = "poison-1", DeliveryMode = DeliveryModes.Persistent },
            Encoding.UTF8.GetBytes("""{"eventId":"poison-1"}"""));
        await ServiceTopology.WaitForCountAsync(_channel, Queue, 1);
        var poison = await _channel.BasicGetAsync(Queue, autoAck: false);
        await _channel.BasicRejectAsync(poison!.DeliveryTag, requeue: false);
        await ServiceTopology.WaitForCountAsync(_channel, DeadLetterQueue, 2);
    }

    private Task<CliRun> CliAsync(params string[] arguments) =>
        CliProcess.RunAsync(new Dictionary<string, string> { ["RABBITMQ_VHOST"] = _vhost.Name }, arguments);
}
