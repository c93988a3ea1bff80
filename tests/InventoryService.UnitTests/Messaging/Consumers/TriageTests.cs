using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging.Consumers;
using BookingSystem.InventoryService.Validation;
using Microsoft.Extensions.Logging.Abstractions;

namespace BookingSystem.InventoryService.UnitTests.Messaging.Consumers;

public sealed class TriageTests
{
    private static readonly Triage<BookingCreated, string> Triage = new(
        EventCatalog.BookingCreatedQueue, maxMessageBytes: 1_024,
        (envelope, errors) =>
        {
            if (envelope.Data.BookingId.StartsWith("bug", StringComparison.Ordinal))
            {
                throw new FormatException("a bug in the feature");
            }

            if (envelope.Data.BookingId.StartsWith("bad", StringComparison.Ordinal))
            {
                errors.Add("bookingId", "bookingId must not start with bad.");
            }

            return envelope.Data.BookingId;
        },
        bookingId => bookingId,
        NullLogger.Instance);

    [Fact]
    public async Task Good_messages_are_accepted_in_order_with_their_command_and_origin()
    {
        var triaged = await Triage.SortAsync([Deliveries.BookingCreated(1, "b-1"), Deliveries.BookingCreated(2, "b-2")]);

        Assert.Empty(triaged.Rejected);
        Assert.Equal(["b-1", "b-2"], triaged.Accepted.Select(a => a.Message.Command));
        Assert.Equal([1UL, 2UL], triaged.Accepted.Select(a => a.Delivery.Tag));
        var origin = triaged.Accepted[0].Message.Origin;
        Assert.Equal((Topology.BookingCreatedQueue, "e-1", "c-1"), (origin.Consumer, origin.EventId, origin.CorrelationId));
    }

    [Fact]
    public async Task Each_bad_message_is_rejected_with_its_reason_and_its_neighbours_are_accepted()
    {
        var triaged = await Triage.SortAsync(
        [
            Deliveries.Json(1, new string('x', 2_000)),
            Deliveries.BookingCreated(2, "b-2"),
            Deliveries.Json(3, "<xml/>", contentType: "text/xml"),
            Deliveries.Json(4, "{not json"),
            Deliveries.BookingCreated(5, "bad-5"),
            Deliveries.Json(6, """{"eventId":"e","eventType":"PaymentFailed","correlationId":"c","occurredAt":"2026-12-03T10:00:00Z","data":{"bookingId":"b"}}"""),
            Deliveries.BookingCreated(7, "b-7"),
        ]);

        Assert.Equal([2UL, 7UL], triaged.Accepted.Select(a => a.Delivery.Tag));
        var reasons = triaged.Rejected.ToDictionary(r => r.Delivery.Tag, r => r.Reason);
        Assert.Equal([1UL, 3UL, 4UL, 5UL, 6UL], reasons.Keys);
        Assert.Equal("Body of 2000 bytes exceeds the limit of 1024 bytes.", reasons[1]);
        Assert.Equal("Content type 'text/xml' is not application/json.", reasons[3]);
        Assert.StartsWith("Malformed JSON", reasons[4], StringComparison.Ordinal);
        Assert.Equal("Invalid data: bookingId: bookingId must not start with bad.", reasons[5]);
        Assert.Equal("eventType is 'PaymentFailed' but this queue takes 'BookingCreated'.", reasons[6]);
    }

    [Fact]
    public async Task A_message_the_feature_throws_on_is_rejected_with_the_error_and_does_not_fail_the_batch()
    {
        var triaged = await Triage.SortAsync([Deliveries.BookingCreated(1, "bug-1"), Deliveries.BookingCreated(2, "b-2")]);

        Assert.Equal([2UL], triaged.Accepted.Select(a => a.Delivery.Tag));
        var rejected = Assert.Single(triaged.Rejected);
        Assert.Equal("The message could not be read into a command: FormatException: a bug in the feature", rejected.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public async Task Json_content_types_with_parameters_or_none_at_all_are_accepted(string? contentType)
    {
        var delivery = Deliveries.BookingCreated(1, "b-1") with { };
        var json = Deliveries.Json(1, System.Text.Encoding.UTF8.GetString(delivery.Body.Span), contentType);

        Assert.Single((await Triage.SortAsync([json])).Accepted);
    }
}
