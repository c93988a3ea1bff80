using System.Diagnostics;
using System.Text;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>
/// Messages another publisher shaped to hurt: AMQP properties the broker validates or acts on (<c>user_id</c>,
/// <c>expiration</c>) and bodies too big to parse. Each ends in the DLQ with its reason, without the properties
/// that would break or erase the dead letter, and without stalling the good messages behind it.
/// </summary>
public sealed class HostileMessageTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    private const string Malformed = "{ not json";

    [Fact]
    public async Task A_bad_message_with_another_users_user_id_and_an_expiration_is_dead_lettered_without_them_and_stalls_nothing()
    {
        var item = await env.Service.CreateItemAsync(total: 100, lowStockThreshold: 0);
        var other = await env.VirtualHost.CreateOtherUserAsync();
        var badId = "hostile-" + EventProbe.NewId();
        await using (var connection = await other.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var properties = new BasicProperties { MessageId = badId, UserId = other.UserName, Expiration = "60000", DeliveryMode = DeliveryModes.Persistent };
            await channel.BasicPublishAsync(Topology.Exchange, RoutingKeys.BookingCreated, mandatory: true, properties, Encoding.UTF8.GetBytes(Malformed));
        }

        var good = Enumerable.Range(0, 20).Select(_ => "behind-" + EventProbe.NewId()).ToList();
        var stopwatch = Stopwatch.StartNew();
        foreach (var bookingId in good)
        {
            await env.Probe.BookingCreatedAsync(bookingId, item.ItemId);
        }

        foreach (var bookingId in good)
        {
            await env.Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId, TimeSpan.FromSeconds(10));
        }

        stopwatch.Stop();
        var letter = await DeadLetterOfAsync(badId);
        Assert.Equal(Malformed, letter.Body);
        Assert.Contains("Malformed JSON", letter.Reason, StringComparison.Ordinal);
        Assert.Null(letter.UserId);
        Assert.Null(letter.Expiration);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"the good bookings waited {stopwatch.Elapsed.TotalSeconds:0.0} s behind the bad one");
        Assert.Equal((20, 100, 20), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_body_above_the_size_limit_goes_to_the_dlq_unparsed_with_its_size_as_the_reason()
    {
        var body = Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('x', 70 * 1024) + "\"}");
        var messageId = "huge-" + EventProbe.NewId();
        await env.Probe.PublishRawAsync(RoutingKeys.BookingCreated, body, messageId);
        var item = await env.Service.CreateItemAsync(total: 1, lowStockThreshold: 0);
        var after = "after-huge-" + EventProbe.NewId();
        await env.Probe.BookingCreatedAsync(after, item.ItemId);

        await env.Probe.WaitForAsync(RoutingKeys.InventoryReserved, after);

        var letter = await DeadLetterOfAsync(messageId);
        Assert.Equal(body.Length, Encoding.UTF8.GetByteCount(letter.Body));
        Assert.Contains($"Body of {body.Length} bytes exceeds the limit of {64 * 1024} bytes", letter.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string?, string> Corpus => new()
    {
        { "wrong content type", Envelope("""{"bookingId":"p-1","itemId":"A"}"""), "text/plain", "Content type 'text/plain' is not application/json" },
        { "quantity above Int32", Envelope("""{"bookingId":"p-2","itemId":"A","quantity":2147483648}"""), "application/json", "quantity" },
        { "negative quantity", Envelope("""{"bookingId":"p-3","itemId":"A","quantity":-1}"""), "application/json", "quantity" },
        { "wrong type", Envelope("""{"bookingId":42,"itemId":"A"}"""), "application/json", "bookingId" },
        { "too many lines", Envelope("{\"bookingId\":\"p-5\",\"items\":[" + string.Join(',', Enumerable.Range(0, 51).Select(i => $"{{\"itemId\":\"I{i}\",\"quantity\":1}}")) + "]}"), "application/json", "At most 50 lines" },
        { "10 MB body", "{\"x\":\"" + new string('x', 10 * 1024 * 1024) + "\"}", "application/json", "exceeds the limit" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_poison_message_goes_to_the_dlq_with_its_reason_and_the_queue_behind_it_moves_on(
        string name, string body, string? contentType, string reasonMentions)
    {
        var messageId = "poison-" + EventProbe.NewId();
        await env.Probe.PublishRawAsync(RoutingKeys.BookingCreated, Encoding.UTF8.GetBytes(body), messageId, contentType: contentType);
        var item = await env.Service.CreateItemAsync(total: 1, lowStockThreshold: 0);
        var after = "after-" + EventProbe.NewId();
        await env.Probe.BookingCreatedAsync(after, item.ItemId);

        await env.Probe.WaitForAsync(RoutingKeys.InventoryReserved, after);

        var letter = await DeadLetterOfAsync(messageId);
        Assert.True(letter.Reason?.Contains(reasonMentions, StringComparison.Ordinal) == true, $"{name}: reason was '{letter.Reason}'");
    }

    /// <summary>
    /// Waits for this test's dead letter: a big one can reach the DLQ after the good booking behind it was handled
    /// (the consumer works on several messages at once). Letters are taken off the DLQ, so only this test's remain.
    /// </summary>
    private async Task<DeadLetter> DeadLetterOfAsync(string messageId)
    {
        var seen = new List<DeadLetter>();
        await Eventually.HoldsAsync(async () =>
        {
            seen.AddRange(await env.Probe.DeadLettersAsync(Topology.BookingCreatedQueue));
            return seen.Any(l => l.MessageId == messageId);
        }, TimeSpan.FromSeconds(20), () => $"no dead letter {messageId}; saw {string.Join(", ", seen.Select(l => l.MessageId))}");
        Assert.Single(seen);
        return seen[0];
    }

    private static string Envelope(string data) =>
        $$"""{"eventId":"{{EventProbe.NewId()}}","eventType":"BookingCreated","correlationId":"c-1","occurredAt":"2026-11-21T12:00:00Z","data":{{data}}}""";
}
