using System.Text;
using BookingSystem.Contracts;
using RabbitMQ.Client;

namespace BookingSystem.DeadLetters.Tests;

public sealed class DeadLetterHeadersTests
{
    private const string Dlq = "inventory.booking-created.dlq";

    [Fact]
    public void The_original_routing_key_header_the_service_sets_wins()
    {
        var headers = Headers((DeadLetterHeaders.OriginalRoutingKey, "booking.created"), (Topology.SourceQueueHeader, "inventory.payment-failed"));

        Assert.Equal("booking.created", DeadLetterHeaders.ReplayRoutingKey(headers, Dlq));
    }

    [Fact]
    public void A_message_the_broker_dead_lettered_replays_under_the_routing_key_recorded_in_x_death()
    {
        var headers = Headers((DeadLetterHeaders.Death, Death("inventory.payment-succeeded", "delivery_limit", 3, "payment.succeeded")));

        Assert.Equal("payment.succeeded", DeadLetterHeaders.ReplayRoutingKey(headers, "inventory.payment-succeeded.dlq"));
        Assert.Equal("inventory.payment-succeeded", DeadLetterHeaders.SourceQueue(headers, "inventory.payment-succeeded.dlq"));
        Assert.Equal("delivery_limit (broker, 3x)", DeadLetterHeaders.Reason(headers));
    }

    [Theory]
    [InlineData("inventory.booking-created", "booking.created")]
    [InlineData("inventory.payment-succeeded", "payment.succeeded")]
    [InlineData("inventory.payment-failed", "payment.failed")]
    [InlineData("inventory.payment-failed.dlq", "payment.failed")]
    [InlineData("billing.invoice-issued", "invoice.issued")]
    [InlineData("nodash", null)]
    public void Without_headers_the_routing_key_is_derived_from_the_source_queue(string queue, string? routingKey)
    {
        Assert.Equal(routingKey, DeadLetterQueueNames.RoutingKeyOfQueue(queue));
    }

    [Fact]
    public void Without_any_header_the_dlq_name_gives_the_source_queue_and_its_routing_key()
    {
        Assert.Equal("inventory.payment-failed", DeadLetterHeaders.SourceQueue(null, "inventory.payment-failed.dlq"));
        Assert.Equal("payment.failed", DeadLetterHeaders.ReplayRoutingKey(null, "inventory.payment-failed.dlq"));
        Assert.Null(DeadLetterHeaders.Reason(null));
    }

    [Fact]
    public void The_reject_reason_of_the_service_is_shown_as_the_reason()
    {
        var headers = Headers((Topology.RejectReasonHeader, "Invalid data: quantity must be between 1 and 1000."));

        Assert.Equal("Invalid data: quantity must be between 1 and 1000.", DeadLetterHeaders.Reason(headers));
    }

    [Fact]
    public void A_replayed_copy_keeps_its_identity_and_history_but_not_the_dlq_headers()
    {
        var original = new BasicProperties
        {
            MessageId = "evt-1",
            CorrelationId = "b-1",
            Type = EventTypes.BookingCreated,
            Headers = Headers(
                (Topology.RejectReasonHeader, "bad"), (Topology.SourceQueueHeader, "inventory.booking-created"),
                (DeadLetterHeaders.OriginalRoutingKey, "booking.created"), (DeadLetterHeaders.DeliveryCount, 2L),
                (DeadLetterHeaders.Death, Death("inventory.booking-created", "rejected", 1, "booking.created")), ("traceparent", "00-abc-def-01")),
        };

        var replayed = DeadLetterQueues.ReplayProperties(original, Dlq);

        Assert.Equal("evt-1", replayed.MessageId);
        Assert.Equal("b-1", replayed.CorrelationId);
        Assert.Equal(EventTypes.BookingCreated, replayed.Type);
        Assert.True(replayed.Persistent);
        Assert.Equal(
            new[] { "traceparent", DeadLetterHeaders.Death, DeadLetterHeaders.ReplayedFrom },
            replayed.Headers!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Dlq, replayed.Headers[DeadLetterHeaders.ReplayedFrom]);
    }

    [Fact]
    public void A_long_body_is_cut_to_200_characters_on_one_line()
    {
        var letter = new DeadLetter(1, "m", null, "q", "k", "line one\nline two " + new string('x', 300));

        Assert.Equal(201, letter.Preview.Length);
        Assert.StartsWith("line one line two", letter.Preview, StringComparison.Ordinal);
    }

    private static Dictionary<string, object?> Headers(params (string Name, object Value)[] values) =>
        values.ToDictionary(v => v.Name, v => (object?)(v.Value is string text ? Encoding.UTF8.GetBytes(text) : v.Value));

    /// <summary>An <c>x-death</c> header as RabbitMQ.Client hands it over: strings as bytes.</summary>
    private static List<object> Death(string queue, string reason, long count, string routingKey) =>
    [
        new Dictionary<string, object?>
        {
            ["queue"] = Encoding.UTF8.GetBytes(queue),
            ["reason"] = Encoding.UTF8.GetBytes(reason),
            ["count"] = count,
            ["exchange"] = Encoding.UTF8.GetBytes(Topology.Exchange),
            ["routing-keys"] = new List<object> { Encoding.UTF8.GetBytes(routingKey) },
        },
    ];
}
