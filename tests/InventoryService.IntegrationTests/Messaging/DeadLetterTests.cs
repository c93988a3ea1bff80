using System.Text;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>Bad messages go to the DLQ with a reason and the consumer carries on; poison messages get there through the delivery limit.</summary>
public sealed class DeadLetterTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    private EventProbe Probe => env.Probe;

    public static TheoryData<string, string> BadMessages => new()
    {
        { "{ not json", "Malformed JSON" },
        { "null", "null" },
        { """{"eventId":"e-1","eventType":"BookingCreated","correlationId":"c-1","occurredAt":"2026-11-21T12:00:00Z"}""", "data" },
        { """{"eventType":"BookingCreated","correlationId":"c-1","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b-1","itemId":"A"}}""", "eventId" },
        { """{"eventId":"e-2","eventType":"PaymentFailed","correlationId":"c-1","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b-1","itemId":"A"}}""", "eventType" },
        { """{"eventId":"e-3","eventType":"BookingCreated","correlationId":"c-1","occurredAt":"2026-11-21T12:00:00Z","data":{"itemId":"A"}}""", "bookingId" },
        { """{"eventId":"e-4","eventType":"BookingCreated","correlationId":"c-1","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b-4","itemId":"A","quantity":0}}""", "quantity" },
        { """{"eventId":"e-5","eventType":"BookingCreated","correlationId":"c-1","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b-5","items":[{"itemId":"A"}]}}""", "quantity" },
        { """{"eventId":"e-6","eventType":"BookingCreated","correlationId":"has space","occurredAt":"2026-11-21T12:00:00Z","data":{"bookingId":"b-6","itemId":"A"}}""", "correlationId" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task A_bad_message_goes_to_the_dlq_with_the_reason_and_the_consumer_keeps_going(string body, string reasonMentions)
    {
        var messageId = EventProbe.NewId();
        await Probe.PublishRawAsync(RoutingKeys.BookingCreated, Encoding.UTF8.GetBytes(body), messageId);
        var item = await env.Service.CreateItemAsync(total: 1, lowStockThreshold: 0);
        var after = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(after, item.ItemId);

        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, after);
        var letters = await Probe.DeadLettersAsync(Topology.BookingCreatedQueue);

        var letter = Assert.Single(letters);
        Assert.Equal(body, letter.Body);
        Assert.Contains(reasonMentions, letter.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Topology.BookingCreatedQueue, letter.SourceQueue);
    }

    [Fact]
    public async Task A_consumer_whose_queue_is_deleted_declares_it_again_and_resumes()
    {
        await env.VirtualHost.DeleteQueueAsync(Topology.PaymentFailedQueue);
        await env.VirtualHost.WaitForBindingsAsync(Topology.Exchange, Topology.PaymentFailedQueue);
        var item = await env.Service.CreateItemAsync(total: 3, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);

        await Probe.PaymentAsync(bookingId, succeeded: false);

        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);
        Assert.Equal((0, 3, 0), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task Too_many_lines_is_a_bad_message()
    {
        var lines = Enumerable.Range(0, 51).Select(i => new { itemId = $"I-{i}", quantity = 1 }).ToList();

        await Probe.PublishAsync(RoutingKeys.BookingCreated, EventTypes.BookingCreated, new { bookingId = "bk-" + EventProbe.NewId(), items = lines });
        IReadOnlyList<DeadLetter> letters = [];
        await Eventually.HoldsAsync(() => (letters = Probe.DeadLettersAsync(Topology.BookingCreatedQueue).GetAwaiter().GetResult()).Count > 0,
            TimeSpan.FromSeconds(15), () => "no dead letter");

        Assert.Contains("50", Assert.Single(letters).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_whose_handling_always_fails_reaches_the_dlq_after_the_delivery_limit()
    {
        await PoisonBookings.RefuseAsync(env.Database);

        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var poison = PoisonBookings.Prefix + EventProbe.NewId();
        var healthy = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(poison, item.ItemId);
        await Probe.BookingCreatedAsync(healthy, item.ItemId);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, healthy);

        IReadOnlyList<DeadLetter> letters = [];
        await Eventually.HoldsAsync(() => (letters = Probe.DeadLettersAsync(Topology.BookingCreatedQueue).GetAwaiter().GetResult()).Count > 0,
            TimeSpan.FromSeconds(30), () => "the poison message did not reach the DLQ");

        var letter = Assert.Single(letters);
        Assert.Contains(poison, letter.Body, StringComparison.Ordinal);
        Assert.True(letter.Headers.ContainsKey("x-death") || letter.Headers.ContainsKey("x-delivery-count"), "dead-lettered by the broker");
        Assert.Empty(Probe.For(poison));
        Assert.Equal((1, 5, 1), await env.Service.CountersAsync(item.ItemId));
    }
}
