using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Observability;

/// <summary>
/// What an operator sees in Seq for one booking: every log event of its story carries one <c>CorrelationId</c>,
/// from the gateway, the service's HTTP handling, the consumer, the outbox dispatcher and the expiry sweeper; and
/// the trace links the HTTP request or the incoming event, the outbox publish and the consumer. The fake Seq checks
/// that logs and traces come with the API key.
/// </summary>
public sealed class BookingStoryTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly FakeSeq _seq = new();
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ObservedSystem _system = null!;

    public async Task InitializeAsync() => _system = await ObservedSystem.StartAsync(_seq.ServerUrl);

    public async Task DisposeAsync()
    {
        await _system.DisposeAsync();
        await _seq.DisposeAsync();
        _client.Dispose();
    }

    [Fact]
    public async Task Every_log_event_of_one_booking_carries_its_correlation_id_from_gateway_consumer_dispatcher_and_sweeper()
    {
        var itemId = await CreateItemAsync();
        var correlationId = "story-" + EventProbe.NewId();
        var bookingId = "story-" + EventProbe.NewId();

        // The booking service announces the booking (no hold length: the service's 2 s default applies).
        await _system.Probe.PublishAsync(RoutingKeys.BookingCreated, EventTypes.BookingCreated,
            new { bookingId, userId = ObservedSystem.UserSubject, itemId, quantity = 1 }, correlationId);
        await _system.Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId, Patience);
        // An operator looks at it through the gateway, in the same story (a booking that came by message is not a
        // user's HTTP reservation: only admins see it over HTTP).
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_system.Gateway.BaseAddress, $"/api/inventory/reservations/{bookingId}")))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _system.AdminToken());
            request.Headers.Add("X-Correlation-ID", correlationId);
            using var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The sweeper expires the two-second hold.
        await _system.Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId, Patience);

        string[] expected =
        [
            "gateway request", "service request", "consumer handled BookingCreated", "published InventoryReserved",
            "sweeper expired the hold", "published InventoryReleased",
        ];
        IReadOnlyList<JsonElement> story = [];
        await Eventually.HoldsAsync(() =>
            {
                story = _seq.LogEvents().Where(e => Text(e, "CorrelationId") == correlationId).ToList();
                return expected.All(kind => story.Any(e => Kind(e, bookingId) == kind));
            },
            Patience,
            () => $"missing {string.Join(", ", expected.Where(kind => !story.Any(e => Kind(e, bookingId) == kind)))}; the story so far:"
                + Environment.NewLine + string.Join(Environment.NewLine, story.Select(e => e.GetRawText())));

        var aboutThisBooking = _seq.LogEvents().Where(e => Text(e, "BookingId") == bookingId || e.GetRawText().Contains(bookingId, StringComparison.Ordinal));
        Assert.All(aboutThisBooking, e => Assert.Equal(correlationId, Text(e, "CorrelationId")));
        var consumed = story.First(e => Kind(e, bookingId) == "consumer handled BookingCreated");
        Assert.Equal(bookingId, Text(consumed, "BookingId"));
        Assert.Equal(Topology.BookingCreatedQueue, Text(consumed, "MessageQueue"));
        Assert.Equal(EventTypes.BookingCreated, Text(consumed, "MessageEventType"));
        Assert.All(_seq.Requests.Where(FakeSeq.IsClef), r => Assert.Equal(ObservedSystem.ApiKey, r.ApiKey));
    }

    [Fact]
    public async Task The_trace_links_the_http_request_and_the_incoming_event_through_the_outbox_publish_to_the_consumer()
    {
        var itemId = await CreateItemAsync();

        // HTTP: gateway -> service request -> outbox row -> publish span, whose context the message carries on.
        var httpBooking = "trace-http-" + EventProbe.NewId();
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_system.Gateway.BaseAddress, "/api/inventory/reserve")))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _system.UserToken());
            request.Content = JsonContent(new { bookingId = httpBooking, itemId, quantity = 1 });
            using var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var httpPublished = await _system.Probe.WaitForAsync(RoutingKeys.InventoryReserved, $"http/{ObservedSystem.UserSubject}/{httpBooking}", Patience);
        var (httpTrace, httpPublishSpan) = ParseTraceParent(httpPublished.TraceParent);

        // Messaging: an upstream span -> consumer span -> outbox row -> publish span.
        var upstream = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var messageBooking = "trace-msg-" + EventProbe.NewId();
        await _system.Probe.PublishAsync(RoutingKeys.BookingCreated, EventTypes.BookingCreated,
            new { bookingId = messageBooking, userId = ObservedSystem.UserSubject, itemId, quantity = 1 },
            traceParent: $"00-{upstream.TraceId}-{upstream.SpanId}-01");
        var messagePublished = await _system.Probe.WaitForAsync(RoutingKeys.InventoryReserved, messageBooking, Patience);
        var (messageTrace, messagePublishSpan) = ParseTraceParent(messagePublished.TraceParent);
        Assert.Equal(upstream.TraceId.ToString(), messageTrace);

        IReadOnlyList<OtlpSpan> spans = [];
        await Eventually.HoldsAsync(() =>
            {
                spans = _seq.Spans();
                return spans.Any(s => s.SpanId == httpPublishSpan) && spans.Any(s => s.SpanId == messagePublishSpan)
                    && Ancestors(spans, httpPublishSpan).Any(s => s.Service == "gateway");
            },
            Patience,
            () => "spans so far: " + string.Join("; ", spans.Select(s => $"{s.Service} {s.Name} {s.TraceId}/{s.SpanId}<-{s.ParentSpanId}")));

        // HTTP leg: publish <- service request (server) <- ... <- gateway, one trace.
        var httpPublish = spans.Single(s => s.SpanId == httpPublishSpan);
        Assert.Equal(("inventory", "publish inventory.reserved", OtlpSpan.ProducerKind, httpTrace), (httpPublish.Service, httpPublish.Name, httpPublish.Kind, httpPublish.TraceId));
        var httpAncestors = Ancestors(spans, httpPublishSpan);
        Assert.Contains(httpAncestors, s => s is { Service: "inventory", Kind: OtlpSpan.ServerKind } && s.Name.Contains("/api/inventory/reserve", StringComparison.Ordinal));
        Assert.Contains(httpAncestors, s => s.Service == "gateway");
        Assert.All(httpAncestors, s => Assert.Equal(httpTrace, s.TraceId));

        // Messaging leg: publish <- consumer span <- the upstream publisher's span.
        var messagePublish = spans.Single(s => s.SpanId == messagePublishSpan);
        var consumer = spans.Single(s => s.SpanId == messagePublish.ParentSpanId);
        Assert.Equal(("process " + Topology.BookingCreatedQueue, OtlpSpan.ConsumerKind), (consumer.Name, consumer.Kind));
        Assert.Equal((upstream.TraceId.ToString(), upstream.SpanId.ToString()), (consumer.TraceId, consumer.ParentSpanId));
        Assert.Equal(messageBooking, consumer.Attributes["booking.id"]);
        Assert.Equal(EventTypes.BookingCreated, consumer.Attributes["booking.event_type"]);
        Assert.Equal("Created", consumer.Attributes["booking.outcome"]);
        Assert.Equal(1, spans.Count(s => s.Kind == OtlpSpan.ProducerKind && s.Attributes.GetValueOrDefault("messaging.message.id") == messagePublished.MessageId));
        Assert.All(_seq.Requests.Where(r => !FakeSeq.IsClef(r)), r => Assert.Equal(ObservedSystem.ApiKey, r.ApiKey));
    }

    private async Task<string> CreateItemAsync()
    {
        var itemId = "OBS-" + EventProbe.NewId()[..12];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_system.Service.BaseAddress, "/api/inventory/items"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _system.AdminToken());
        request.Content = JsonContent(new { itemId, name = "Observed room", total = 100 });
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return itemId;
    }

    private static System.Net.Http.Json.JsonContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body, options: Http.Json);

    /// <summary>Which part of the story a log event tells, or null.</summary>
    private static string? Kind(JsonElement e, string bookingId)
    {
        var source = Text(e, "SourceContext") ?? "";
        var onThisBooking = Text(e, "RequestPath")?.Contains(bookingId, StringComparison.Ordinal) == true;
        return (Text(e, "Application"), source) switch
        {
            ("gateway", _) when onThisBooking => "gateway request",
            ("inventory", _) when onThisBooking => "service request",
            (_, var s) when s.EndsWith(".Consumer." + Topology.BookingCreatedQueue, StringComparison.Ordinal)
                && Text(e, "MessageEventType") == EventTypes.BookingCreated && Text(e, "Outcome") is not null => "consumer handled BookingCreated",
            (_, var s) when s.EndsWith(".OutboxDispatcher", StringComparison.Ordinal) && Text(e, "MessageEventType") is { } type
                && Text(e, "RoutingKey") is not null => "published " + type,
            (_, var s) when s.EndsWith(".ReservationService", StringComparison.Ordinal) && Text(e, "To") == "Expired" => "sweeper expired the hold",
            _ => null,
        };
    }

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    private static (string TraceId, string SpanId) ParseTraceParent(string? traceParent)
    {
        Assert.NotNull(traceParent);
        var parts = traceParent.Split('-');
        return (parts[1], parts[2]);
    }

    /// <summary>The chain of parents of a span, as far as the received spans go.</summary>
    private static List<OtlpSpan> Ancestors(IReadOnlyList<OtlpSpan> spans, string spanId)
    {
        var chain = new List<OtlpSpan>();
        var current = spans.FirstOrDefault(s => s.SpanId == spanId);
        while (current?.ParentSpanId is { } parent && spans.FirstOrDefault(s => s.SpanId == parent) is { } next && chain.Count < 50)
        {
            chain.Add(next);
            current = next;
        }

        return chain;
    }
}
