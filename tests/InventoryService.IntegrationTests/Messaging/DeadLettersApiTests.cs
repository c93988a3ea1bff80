using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>
/// The admin dead-letter endpoints against the real broker: listing consumes nothing, replay gives the consumers the
/// messages again. Each test empties the DLQ it uses first (the tests of this class share one virtual host).
/// </summary>
public sealed class DeadLettersApiTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    public const string Url = "/api/inventory/admin/dead-letters";
    public const string ReplayUrl = Url + "/replay";
    private const string Queue = Topology.BookingCreatedQueue;
    private const string Dlq = Queue + Topology.DeadLetterSuffix;
    private readonly HttpClient _admin = env.Service.CreateClient();

    private EventProbe Probe => env.Probe;

    [Fact]
    public async Task Listing_shows_a_rejected_message_with_reason_source_queue_routing_key_and_body_and_consumes_nothing()
    {
        await EmptyAsync(Queue);
        var messageId = EventProbe.NewId();
        await Probe.PublishRawAsync(RoutingKeys.BookingCreated, "{ not json"u8.ToArray(), messageId);
        await WaitForDeadLettersAsync(Dlq, 1);

        var byQueue = await ListAsync($"?queue={Queue}");
        var byDlq = await ListAsync($"?queue={Dlq}&page=1&pageSize=5");

        Assert.Equal(Dlq, byQueue.GetProperty("queue").GetString());
        Assert.Equal((1, 1, 20), (byQueue.GetProperty("count").GetInt32(), byQueue.GetProperty("page").GetInt32(), byQueue.GetProperty("pageSize").GetInt32()));
        var letter = Assert.Single(byQueue.GetProperty("messages").EnumerateArray());
        Assert.Equal(messageId, letter.GetProperty("messageId").GetString());
        Assert.Contains("Malformed JSON", letter.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Queue, letter.GetProperty("sourceQueue").GetString());
        Assert.Equal(RoutingKeys.BookingCreated, letter.GetProperty("originalRoutingKey").GetString());
        Assert.Equal("{ not json", letter.GetProperty("body").GetString());
        Assert.Equal(1, byDlq.GetProperty("count").GetInt32());
        Assert.Equal(messageId, Assert.Single(byDlq.GetProperty("messages").EnumerateArray()).GetProperty("messageId").GetString());
        Assert.Equal(1, await env.VirtualHost.ReadyMessagesAsync(Dlq));
    }

    [Fact]
    public async Task Pages_follow_the_order_of_the_dlq_and_the_same_page_reads_the_same_messages_again()
    {
        const string queue = Topology.PaymentSucceededQueue;
        const string dlq = queue + Topology.DeadLetterSuffix;
        await EmptyAsync(queue);
        var ids = Enumerable.Range(1, 5).Select(i => $"page-{i}-{EventProbe.NewId()}").ToList();
        foreach (var id in ids)
        {
            await Probe.DeadLetterAsync(queue, RoutingKeys.PaymentSucceeded, Encoding.UTF8.GetBytes($$"""{"eventId":"{{id}}"}"""), id, "test");
        }

        await WaitForDeadLettersAsync(dlq, ids.Count);

        var first = await ListAsync($"?queue={queue}&page=1&pageSize=2");
        var second = await ListAsync($"?queue={queue}&page=2&pageSize=2");
        var third = await ListAsync($"?queue={queue}&page=3&pageSize=2");
        var beyond = await ListAsync($"?queue={queue}&page=4&pageSize=2");
        var firstAgain = await ListAsync($"?queue={queue}&page=1&pageSize=2");

        Assert.Equal(ids[..2], MessageIds(first));
        Assert.Equal(ids[2..4], MessageIds(second));
        Assert.Equal(ids[4..], MessageIds(third));
        Assert.Empty(MessageIds(beyond));
        Assert.Equal(ids[..2], MessageIds(firstAgain));
        Assert.All(new[] { first, second, third, beyond }, page => Assert.Equal(ids.Count, page.GetProperty("count").GetInt32()));
        Assert.Equal(ids.Count, await env.VirtualHost.ReadyMessagesAsync(dlq));
    }

    [Fact]
    public async Task The_queues_overview_counts_every_consumer_queues_dlq()
    {
        const string queue = Topology.PaymentFailedQueue;
        await EmptyAsync(queue);
        await Probe.DeadLetterAsync(queue, RoutingKeys.PaymentFailed, "{}"u8.ToArray(), EventProbe.NewId(), "test");
        await WaitForDeadLettersAsync(queue + Topology.DeadLetterSuffix, 1);

        var overview = await ListAsync("/queues");

        var counts = overview.GetProperty("queues").EnumerateArray()
            .ToDictionary(q => q.GetProperty("queue").GetString()!, q => q.GetProperty("count").GetInt32());
        Assert.Equal(EventCatalog.ConsumerQueues.Select(q => q.Queue + Topology.DeadLetterSuffix), counts.Keys);
        Assert.Equal(1, counts[queue + Topology.DeadLetterSuffix]);
    }

    [Fact]
    public async Task Replay_by_message_id_moves_only_that_message_back_then_replay_of_all_empties_the_dlq()
    {
        await EmptyAsync(Queue);
        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var (first, second) = ("bk-" + EventProbe.NewId(), "bk-" + EventProbe.NewId());
        var (firstEvent, secondEvent) = (EventProbe.NewId(), EventProbe.NewId());
        await DeadLetterBookingAsync(first, item.ItemId, firstEvent);
        await DeadLetterBookingAsync(second, item.ItemId, secondEvent);
        await WaitForDeadLettersAsync(Dlq, 2);

        using var one = await _admin.PostJsonAsync(ReplayUrl, new { queue = Queue, messageId = firstEvent });
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        var oneResult = await one.ReadJsonAsync();
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, first);
        var afterOne = await ListAsync($"?queue={Queue}");
        using var all = await _admin.PostJsonAsync(ReplayUrl, new { queue = Dlq });
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var allResult = await all.ReadJsonAsync();
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, second);
        await EventProbe.SettleAsync();

        Assert.Equal((Dlq, 1, 0, 1), Replay(oneResult));
        Assert.Equal([secondEvent], MessageIds(afterOne));
        Assert.Equal((Dlq, 1, 0, 0), Replay(allResult));
        Assert.Equal(0, await env.VirtualHost.ReadyMessagesAsync(Dlq));
        Assert.Single(Probe.For(first), e => e.RoutingKey == RoutingKeys.InventoryReserved);
        Assert.Single(Probe.For(second), e => e.RoutingKey == RoutingKeys.InventoryReserved);
        Assert.Equal((2, 5, 2), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_message_the_broker_dead_lettered_at_the_delivery_limit_is_handled_once_replayed_after_the_fault_is_fixed()
    {
        await EmptyAsync(Queue);
        await PoisonBookings.RefuseAsync(env.Database);
        var item = await env.Service.CreateItemAsync(total: 3, lowStockThreshold: 0);
        var poison = PoisonBookings.Prefix + EventProbe.NewId();
        await Probe.BookingCreatedAsync(poison, item.ItemId);
        await WaitForDeadLettersAsync(Dlq, 1, TimeSpan.FromSeconds(30));
        var listed = Assert.Single((await ListAsync($"?queue={Queue}")).GetProperty("messages").EnumerateArray());

        await PoisonBookings.AllowAsync(env.Database);
        using var replay = await _admin.PostJsonAsync(ReplayUrl, new { queue = Queue });
        var reserved = await Probe.WaitForAsync(RoutingKeys.InventoryReserved, poison);

        Assert.Contains("broker", listed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(Queue, listed.GetProperty("sourceQueue").GetString());
        Assert.Equal(RoutingKeys.BookingCreated, listed.GetProperty("originalRoutingKey").GetString());
        Assert.Contains(poison, listed.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal((Dlq, 1, 0, 0), Replay(await replay.ReadJsonAsync()));
        Assert.Equal(poison, reserved.BookingId);
        Assert.Equal(0, await env.VirtualHost.ReadyMessagesAsync(Dlq));
        Assert.Equal((1, 3, 1), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task Replay_of_a_message_id_the_dlq_does_not_hold_is_404_and_leaves_the_dlq_as_it_was()
    {
        await EmptyAsync(Queue);
        var messageId = EventProbe.NewId();
        await Probe.DeadLetterAsync(Queue, RoutingKeys.BookingCreated, "{}"u8.ToArray(), messageId, "test");
        await WaitForDeadLettersAsync(Dlq, 1);

        using var response = await _admin.PostJsonAsync(ReplayUrl, new { queue = Queue, messageId = "no-such-message" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-such-message", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([messageId], MessageIds(await ListAsync($"?queue={Queue}")));
    }

    public static TheoryData<string, string?, string> BadRequests => new()
    {
        { "?queue=inventory.no-such-queue", null, "queue" },
        { "?queue=booking.events", null, "queue" },
        { "?queue=", null, "queue" },
        { "?page=1", null, "queue" },
        { "?queue=inventory.booking-created%01", null, "queue" },
        { $"?queue={Queue}&page=0", null, "page" },
        { $"?queue={Queue}&page=101&pageSize=100", null, "page" },
        { $"?queue={Queue}&pageSize=0", null, "pageSize" },
        { $"?queue={Queue}&pageSize=101", null, "pageSize" },
        { "/replay", "{}", "queue" },
        { "/replay", """{ "queue": "inventory.no-such-queue" }""", "queue" },
        { "/replay", """{ "queue": "inventory.booking-created\u0000" }""", "queue" },
        { "/replay", """{ "queue": "inventory.booking-created", "max": 0 }""", "max" },
        { "/replay", """{ "queue": "inventory.booking-created", "messageId": "a\u0001b" }""", "messageId" },
        { "/replay", """{ "queue": "inventory.booking-created", "messageId": "" }""", "messageId" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_400_naming_the_field(string pathAndQuery, string? body, string field)
    {
        using var response = body is null
            ? await _admin.GetAsync(Url + pathAndQuery)
            : await _admin.PostRawAsync(Url + pathAndQuery, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    public static TheoryData<string, bool, HttpStatusCode> NotAdmins()
    {
        var data = new TheoryData<string, bool, HttpStatusCode>();
        foreach (var endpoint in DeadLetterRequests.Endpoints)
        {
            data.Add(endpoint, false, HttpStatusCode.Unauthorized);
            data.Add(endpoint, true, HttpStatusCode.Forbidden);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NotAdmins))]
    public async Task Only_an_admin_may_list_count_or_replay(string endpoint, bool userToken, HttpStatusCode expected)
    {
        await EmptyAsync(Queue);
        await Probe.DeadLetterAsync(Queue, RoutingKeys.BookingCreated, "{}"u8.ToArray(), EventProbe.NewId(), "test");
        await WaitForDeadLettersAsync(Dlq, 1);
        var client = env.Service.CreateClient();
        client.DefaultRequestHeaders.Authorization = userToken ? new AuthenticationHeaderValue("Bearer", TestTokens.User("dlq-user")) : null;

        using var response = await DeadLetterRequests.SendAsync(client, endpoint);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(1, await env.VirtualHost.ReadyMessagesAsync(Dlq));
    }

    private async Task<JsonElement> ListAsync(string query)
    {
        using var response = await _admin.GetAsync(Url + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {Url}{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    private static List<string> MessageIds(JsonElement page) =>
        page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("messageId").GetString()!).ToList();

    private static (string, int, int, int) Replay(JsonElement result) =>
        (result.GetProperty("queue").GetString()!, result.GetProperty("replayed").GetInt32(), result.GetProperty("skipped").GetInt32(),
            result.GetProperty("remaining").GetInt32());

    /// <summary>A valid booking, in the DLQ as if the service had rejected it: a replay gives the consumer a message it can handle.</summary>
    private Task DeadLetterBookingAsync(string bookingId, string itemId, string eventId) =>
        Probe.DeadLetterAsync(Queue, RoutingKeys.BookingCreated,
            EventProbe.Envelope(EventTypes.BookingCreated, EventProbe.BookingCreatedData(bookingId, itemId), eventId), eventId, "test: a fault since fixed");

    private async Task EmptyAsync(string queue) => await Probe.DeadLettersAsync(queue);

    private Task WaitForDeadLettersAsync(string dlq, int count, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(async () => await env.VirtualHost.ReadyMessagesAsync(dlq) == count, timeout ?? TimeSpan.FromSeconds(15),
            () => $"{dlq} did not hold {count} message(s)");
}
