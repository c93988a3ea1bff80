using System.CommandLine;
using System.Text;
using System.Text.Json;
using BookingSystem.Cli.Commands;
using BookingSystem.Cli.Messaging;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Commands;

/// <summary>Argument → event mapping of <c>booking publish</c>, through the real command tree with the broker replaced by a recorder.</summary>
public sealed class PublishCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Booking_created_pairs_each_quantity_with_the_item_before_it_and_defaults_the_correlation_id_to_the_booking()
    {
        var run = await PublishAsync("publish", "booking-created", "--booking-id", "b-1", "--item", "ROOM-101", "--quantity", "2", "--item", "ROOM-102", "--hold-minutes", "20");

        Assert.Equal(0, run.ExitCode);
        var message = Assert.Single(run.Sent);
        Assert.Equal(RoutingKeys.BookingCreated, message.RoutingKey);
        var envelope = JsonSerializer.Deserialize<EventEnvelope<BookingCreated>>(message.Body, ContractJson.Options)!;
        Assert.Equal(EventTypes.BookingCreated, envelope.EventType);
        Assert.Equal("b-1", envelope.CorrelationId);
        Assert.Equal(Now, envelope.OccurredAt);
        Assert.Null(envelope.CausationId);
        Assert.Equal("b-1", envelope.Data.BookingId);
        Assert.Equal([new BookingLine("ROOM-101", 2), new BookingLine("ROOM-102", 1)], envelope.Data.Items);
        Assert.Equal(20, envelope.Data.HoldMinutes);
        Assert.Equal(envelope.EventId, message.EventId);
        Assert.True(Guid.TryParse(envelope.EventId, out _), envelope.EventId);
        Assert.Contains($"eventId={envelope.EventId} routingKey=booking.created", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explicit_event_and_correlation_ids_are_sent_as_given_and_set_the_amqp_properties()
    {
        var run = await PublishAsync("publish", "booking-created", "--booking-id", "b-2", "--item", "ROOM-7", "--event-id", "evt-42", "--correlation-id", "story-9");

        var message = Assert.Single(run.Sent);
        var properties = message.CreateProperties();
        using var body = JsonDocument.Parse(message.Body);
        Assert.Equal("evt-42", body.RootElement.GetProperty("eventId").GetString());
        Assert.Equal("story-9", body.RootElement.GetProperty("correlationId").GetString());
        Assert.Equal("evt-42", properties.MessageId);
        Assert.Equal("story-9", properties.CorrelationId);
        Assert.Equal(EventTypes.BookingCreated, properties.Type);
        Assert.True(properties.Persistent);
        Assert.Equal(1, body.RootElement.GetProperty("data").GetProperty("items")[0].GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task A_quantity_before_any_item_is_refused_and_nothing_is_sent()
    {
        var run = await PublishAsync("publish", "booking-created", "--booking-id", "b-3", "--quantity", "2", "--item", "ROOM-101");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Sent);
        Assert.Contains("--quantity 2 comes before any --item", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Booking_created_without_an_item_is_a_usage_error()
    {
        var run = await PublishAsync("publish", "booking-created", "--booking-id", "b-4");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Empty(run.Sent);
        Assert.Contains("--item", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stay_applies_to_every_item_line_on_the_wire_and_is_printed()
    {
        var run = await PublishAsync("publish", "booking-created", "--booking-id", "b-8",
            "--item", "SUITE-1", "--quantity", "2", "--item", "DOUBLE-2",
            "--check-in", "2027-06-03", "--check-out", "2027-06-06");

        Assert.True(run.ExitCode == 0, run.Error);
        var message = Assert.Single(run.Sent);
        var data = JsonSerializer.Deserialize<EventEnvelope<BookingCreated>>(message.Body, ContractJson.Options)!.Data;
        var (first, end) = (new DateOnly(2027, 6, 3), new DateOnly(2027, 6, 6));
        Assert.Equal([new("SUITE-1", 2, first, end), new BookingLine("DOUBLE-2", 1, first, end)], data.Items);
        Assert.Null(data.CheckIn);
        Assert.Null(data.CheckOut);
        using var body = JsonDocument.Parse(message.Body);
        var line = body.RootElement.GetProperty("data").GetProperty("items")[1];
        Assert.Equal("2027-06-03", line.GetProperty("checkIn").GetString());
        Assert.Equal("2027-06-06", line.GetProperty("checkOut").GetString());
        Assert.Contains("lines: SUITE-1 x2 2027-06-03..2027-06-06 (3 nights), " +
            "DOUBLE-2 x1 2027-06-03..2027-06-06 (3 nights)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_stay_the_lines_carry_no_dates()
    {
        var run = await PublishAsync(
            "publish", "booking-created", "--booking-id", "b-9", "--item", "ROOM-101", "--quantity", "2");

        using var body = JsonDocument.Parse(Assert.Single(run.Sent).Body);
        var line = body.RootElement.GetProperty("data").GetProperty("items")[0];
        Assert.False(line.TryGetProperty("checkIn", out _));
        Assert.False(line.TryGetProperty("checkOut", out _));
        Assert.Contains("lines: ROOM-101 x2" + Environment.NewLine, run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--check-in 2027-6-3 --check-out 2027-06-06", "--check-in must be an ISO date (yyyy-MM-dd)")]
    [InlineData("--check-in 2027-06-03 --check-out 06/06/2027", "must be an ISO date (yyyy-MM-dd), not '06/06/2027'.")]
    [InlineData("--check-in 2027-02-30 --check-out 2027-03-02", "--check-in must be an ISO date (yyyy-MM-dd)")]
    [InlineData("--check-in 2027-06-03", "Give --check-in and --check-out together")]
    [InlineData("--check-out 2027-06-06", "Give --check-in and --check-out together")]
    [InlineData("--check-in 2027-06-06 --check-out 2027-06-06", "--check-out 2027-06-06 must be after --check-in")]
    [InlineData("--check-in 2027-06-06 --check-out 2027-06-01", "--check-out 2027-06-01 must be after --check-in")]
    public async Task Bad_stay_dates_are_an_option_error_and_nothing_is_sent(string dates, string message)
    {
        var run = await PublishAsync(
            ["publish", "booking-created", "--booking-id", "b-10", "--item", "SUITE-1", .. dates.Split(' ')]);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Sent);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_help_of_booking_created_explains_the_stay()
    {
        var run = await PublishAsync("publish", "booking-created", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--check-in <yyyy-MM-dd>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--check-out <yyyy-MM-dd>", run.Output, StringComparison.Ordinal);
        Assert.Contains("for every --item line", run.Output, StringComparison.Ordinal);
        Assert.Contains("[check-in, check-out)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payment_succeeded_and_failed_go_out_under_their_routing_keys_with_the_payment_fields()
    {
        var paid = await PublishAsync("publish", "payment-succeeded", "--booking-id", "b-5");
        var declined = await PublishAsync("publish", "payment-failed", "--booking-id", "b-6", "--reason", "insufficient funds", "--payment-id", "p-1");

        var succeeded = JsonSerializer.Deserialize<EventEnvelope<PaymentSucceeded>>(Assert.Single(paid.Sent).Body, ContractJson.Options)!;
        var failed = JsonSerializer.Deserialize<EventEnvelope<PaymentFailed>>(Assert.Single(declined.Sent).Body, ContractJson.Options)!;
        Assert.Equal(RoutingKeys.PaymentSucceeded, paid.Sent[0].RoutingKey);
        Assert.Equal(new PaymentSucceeded("b-5", "pay-b-5"), succeeded.Data);
        Assert.Equal(EventTypes.PaymentSucceeded, succeeded.EventType);
        Assert.Equal(RoutingKeys.PaymentFailed, declined.Sent[0].RoutingKey);
        Assert.Equal(new PaymentFailed("b-6", "p-1", "insufficient funds"), failed.Data);
        Assert.Equal("b-6", failed.CorrelationId);
    }

    [Fact]
    public async Task A_file_is_sent_byte_for_byte_under_the_routing_key_of_its_event_type()
    {
        var json = """{ "eventId": "file-1", "eventType": "PaymentFailed", "correlationId": "c-1", "occurredAt": "2026-11-21T12:05:00+00:00", "data": { "bookingId": "b-7" } }""";
        var path = Path.Combine(Path.GetTempPath(), $"event-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, json);
        try
        {
            var run = await PublishAsync("publish", "--file", path);

            var message = Assert.Single(run.Sent);
            Assert.Equal(Encoding.UTF8.GetBytes(json), message.Body);
            Assert.Equal(RoutingKeys.PaymentFailed, message.RoutingKey);
            Assert.Equal("file-1", message.CreateProperties().MessageId);
            Assert.Equal("c-1", message.CreateProperties().CorrelationId);
            Assert.Contains("eventId=file-1 routingKey=payment.failed", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_json_is_sent_only_with_an_explicit_routing_key()
    {
        var path = Path.Combine(Path.GetTempPath(), $"event-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{ not json");
        try
        {
            var refused = await PublishAsync("publish", "--file", path);
            var sent = await PublishAsync("publish", "--file", path, "--routing-key", "booking.created");

            Assert.Equal(1, refused.ExitCode);
            Assert.Empty(refused.Sent);
            Assert.Contains("--routing-key", refused.Error, StringComparison.Ordinal);
            Assert.Equal(0, sent.ExitCode);
            Assert.Equal("{ not json", Assert.Single(sent.Sent).BodyText);
            Assert.Null(sent.Sent[0].EventId);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Publish_without_an_event_or_a_file_says_what_to_choose()
    {
        var run = await PublishAsync("publish");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Choose an event", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A", "A:1")]
    [InlineData("A,q3", "A:3")]
    [InlineData("A,q3,B", "A:3 B:1")]
    [InlineData("A,B,q2", "A:1 B:2")]
    [InlineData("A,q0", "A:0")]
    public void Quantities_pair_with_the_item_before_them(string typed, string expected)
    {
        var values = typed.Split(',').Select(v => v.StartsWith('q') ? (false, v[1..]) : (true, v));

        var lines = PublishCommand.PairLines(values);

        Assert.Equal(expected, string.Join(' ', lines.Select(l => $"{l.ItemId}:{l.Quantity}")));
    }

    [Theory]
    [InlineData("q2,A", "comes before any --item")]
    [InlineData("A,q2,q3", "more than one --quantity")]
    [InlineData("A,qx", "whole number")]
    public void Misplaced_or_bad_quantities_are_refused(string typed, string message)
    {
        var values = typed.Split(',').Select(v => v.StartsWith('q') ? (false, v[1..]) : (true, v));

        var error = Assert.Throws<ArgumentException>(() => PublishCommand.PairLines(values));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static async Task<PublishRun> PublishAsync(params string[] args)
    {
        var sent = new List<OutgoingMessage>();
        var root = new RootCommand
        {
            PublishCommand.Create((message, _) =>
            {
                sent.Add(message);
                return Task.FromResult("the recorder");
            }, new FixedTime(Now)),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new PublishRun(exitCode, sent, output.ToString(), error.ToString());
    }

    private sealed record PublishRun(int ExitCode, List<OutgoingMessage> Sent, string Output, string Error);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
