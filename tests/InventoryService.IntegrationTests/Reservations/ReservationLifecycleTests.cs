using System.Net;
using System.Text.Json;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Reservations;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Reservations;

public sealed class ReservationLifecycleTests(InventoryApiFactory factory) : IClassFixture<InventoryApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Reserve_returns_201_with_the_hold_and_a_repeat_of_the_same_request_returns_200_with_the_same_reservation()
    {
        var item = await factory.CreateItemAsync(total: 10);
        var bookingId = $"repeat-{item.ItemId}";

        using var first = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 3, holdMinutes = 30 });
        using var repeat = await _client.PostJsonAsync("/api/inventory/reserve",
            new { bookingId, items = new[] { new { itemId = item.ItemId, quantity = 1 }, new { itemId = item.ItemId, quantity = 2 } } });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/api/inventory/reservations/{bookingId}", first.Headers.Location?.OriginalString);
        var created = await first.ReadAsync<ReservationResponse>();
        Assert.Equal(ReservationStatus.Reserved, created.Status);
        Assert.Equal(factory.Time.GetUtcNow().AddMinutes(30), created.ExpiresAt);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode); // the same lines, in another shape
        var repeated = await repeat.ReadAsync<ReservationResponse>();
        Assert.Equal(created.Lines, repeated.Lines);
        Assert.Equal(3, (await factory.CountersAsync(item.ItemId)).Reserved);
    }

    [Fact]
    public async Task Another_request_under_a_used_booking_id_is_refused_with_422_and_changes_nothing()
    {
        var item = await factory.CreateItemAsync(total: 10);
        var other = await factory.CreateItemAsync(total: 10);
        var bookingId = $"other-lines-{item.ItemId}";
        using var first = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 3 });

        using var moreUnits = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 5 });
        using var otherItem = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = other.ItemId, quantity = 3 });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        foreach (var refused in new[] { moreUnits, otherItem })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var problem = await refused.ReadAsync<JsonElement>();
            Assert.Equal("Booking id already used", problem.GetProperty("title").GetString());
            Assert.Equal(3, problem.GetProperty("reservation").GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        }

        Assert.Equal((3, 0), ((await factory.CountersAsync(item.ItemId)).Reserved, (await factory.CountersAsync(other.ItemId)).Reserved));
    }

    [Fact]
    public async Task A_repeat_of_a_released_reservation_is_refused_with_409_and_holds_nothing()
    {
        var item = await factory.CreateItemAsync(total: 10);
        var bookingId = $"ended-{item.ItemId}";
        using var first = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 2 });
        using var release = await _client.PostJsonAsync("/api/inventory/release", new { bookingId });

        using var again = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 2 });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, release.StatusCode));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await again.ReadAsync<JsonElement>();
        Assert.Equal("Reservation ended", problem.GetProperty("title").GetString());
        Assert.Equal("Released", problem.GetProperty("reservation").GetProperty("status").GetString());
        Assert.Equal(0, (await factory.CountersAsync(item.ItemId)).Reserved);
    }

    [Fact]
    public async Task Reserve_without_hold_minutes_uses_the_default_hold_of_fifteen_minutes()
    {
        var item = await factory.CreateItemAsync(total: 10);

        using var response = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId = $"default-hold-{item.ItemId}", roomId = item.ItemId });

        var reservation = await response.ReadAsync<ReservationResponse>();
        Assert.Equal(factory.Time.GetUtcNow().AddMinutes(15), reservation.ExpiresAt);
        Assert.Equal(1, Assert.Single(reservation.Lines).Quantity);
    }

    [Fact]
    public async Task Release_returns_the_stock_and_a_second_release_is_a_harmless_repeat()
    {
        var item = await factory.CreateItemAsync(total: 5);
        var bookingId = $"release-{item.ItemId}";
        await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 2 });

        using var release = await _client.PostJsonAsync("/api/inventory/release", new { bookingId });
        using var again = await _client.PostJsonAsync("/api/inventory/release", new { bookingId, reason = "Manual" });

        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        var released = await release.ReadAsync<ReservationResponse>();
        Assert.Equal(ReservationStatus.Released, released.Status);
        Assert.Equal(ReleaseReason.Cancelled, released.ReleaseReason);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(ReleaseReason.Cancelled, (await again.ReadAsync<ReservationResponse>()).ReleaseReason);
        Assert.Equal((0, 5, 0), await factory.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task Release_of_an_unknown_booking_is_404_problem_details()
    {
        using var response = await _client.PostJsonAsync("/api/inventory/release", new { bookingId = "never-booked-" + Guid.NewGuid().ToString("N") });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Confirm_keeps_the_stock_taken_and_cannot_be_undone_by_a_payment_failure()
    {
        var item = await factory.CreateItemAsync(total: 5);
        var bookingId = $"confirm-{item.ItemId}";
        await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 2 });
        await using var scope = factory.Scope();
        var reservations = scope.ServiceProvider.GetRequiredService<ReservationService>();

        var confirmed = await reservations.ConfirmAsync(TestTokens.AdminKey(bookingId), CancellationToken.None);
        var confirmedAgain = await reservations.ConfirmAsync(TestTokens.AdminKey(bookingId), CancellationToken.None);
        var paymentFailed = await reservations.ReleaseAsync(TestTokens.AdminKey(bookingId), ReleaseReason.PaymentFailed, CancellationToken.None);

        Assert.Equal(TransitionOutcome.Applied, confirmed.Outcome);
        Assert.Equal(ReservationStatus.Confirmed, confirmed.Reservation!.Status);
        Assert.Equal(factory.Time.GetUtcNow(), confirmed.Reservation.ConfirmedAt);
        Assert.Equal(TransitionOutcome.AlreadyDone, confirmedAgain.Outcome);
        Assert.Equal(TransitionOutcome.Refused, paymentFailed.Outcome);
        Assert.Equal((2, 5, 2), await factory.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_confirmed_reservation_can_be_cancelled_which_returns_its_stock()
    {
        var item = await factory.CreateItemAsync(total: 5);
        var bookingId = $"cancel-confirmed-{item.ItemId}";
        await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 2 });
        await using var scope = factory.Scope();
        await scope.ServiceProvider.GetRequiredService<ReservationService>().ConfirmAsync(TestTokens.AdminKey(bookingId), CancellationToken.None);

        using var response = await _client.PostJsonAsync("/api/inventory/release", new { bookingId, reason = "Cancelled" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ReservationStatus.Released, (await response.ReadAsync<ReservationResponse>()).Status);
        Assert.Equal((0, 5, 0), await factory.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_released_reservation_cannot_be_confirmed()
    {
        var item = await factory.CreateItemAsync(total: 5);
        var bookingId = $"released-confirm-{item.ItemId}";
        await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 1 });
        await _client.PostJsonAsync("/api/inventory/release", new { bookingId });
        await using var scope = factory.Scope();

        var result = await scope.ServiceProvider.GetRequiredService<ReservationService>().ConfirmAsync(TestTokens.AdminKey(bookingId), CancellationToken.None);

        Assert.Equal(TransitionOutcome.Refused, result.Outcome);
        Assert.Equal(ReservationStatus.Released, result.Reservation!.Status);
        Assert.Contains("Released", result.Error, StringComparison.Ordinal);
        Assert.Equal((0, 5, 0), await factory.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task Get_reservation_returns_the_lines_and_status_and_404_for_an_unknown_booking()
    {
        var item = await factory.CreateItemAsync(total: 5);
        var bookingId = $"get-{item.ItemId}";
        await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, items = new[] { new { itemId = item.ItemId, quantity = 2 } } });

        var found = await _client.GetAsync($"/api/inventory/reservations/{bookingId}");
        var missing = await _client.GetAsync($"/api/inventory/reservations/nope-{bookingId}");

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var reservation = await found.ReadAsync<ReservationResponse>();
        Assert.Equal(new ReservationLineResponse(item.ItemId, 2), Assert.Single(reservation.Lines));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Reserve_uses_the_callers_correlation_id_and_echoes_it()
    {
        var item = await factory.CreateItemAsync(total: 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/inventory/reserve")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { bookingId = $"cid-{item.ItemId}", itemId = item.ItemId }),
        };
        request.Headers.Add("X-Correlation-ID", "corr-12345");

        using var response = await _client.SendAsync(request);

        Assert.Equal("corr-12345", response.Headers.GetValues("X-Correlation-ID").Single());
        Assert.Equal("corr-12345", (await response.ReadAsync<ReservationResponse>()).CorrelationId);
    }

    [Fact]
    public async Task Reserving_an_unknown_item_is_404_with_the_line_named()
    {
        using var response = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId = "unknown-item-" + Guid.NewGuid().ToString("N"), itemId = "NO-SUCH-ITEM" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var line = (await response.ReadJsonAsync()).GetProperty("lines")[0];
        Assert.Equal("NO-SUCH-ITEM", line.GetProperty("itemId").GetString());
        Assert.Equal("UnknownItem", line.GetProperty("reason").GetString());
    }

    /// <summary>Each user's booking ids are their own namespace (BookingKey): no takeover, and no hint that the id is in use.</summary>
    [Fact]
    public async Task A_user_cannot_see_release_or_take_over_another_users_reservation()
    {
        var item = await factory.CreateItemAsync(total: 5);
        var bookingId = $"owned-{item.ItemId}";
        var alice = factory.CreateUserClient("alice");
        var mallory = factory.CreateUserClient("mallory");
        using var reserved = await alice.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 2 });
        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);

        using var read = await mallory.GetAsync($"/api/inventory/reservations/{bookingId}");
        using var release = await mallory.PostJsonAsync("/api/inventory/release", new { bookingId });
        using var takeOver = await mallory.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 2 });
        using var ownRead = await alice.GetAsync($"/api/inventory/reservations/{bookingId}");

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, release.StatusCode);
        // Mallory's reserve of the same id is her own reservation, answered as if alice's did not exist.
        Assert.Equal(HttpStatusCode.Created, takeOver.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownRead.StatusCode);
        Assert.Equal(ReservationStatus.Reserved, (await ownRead.ReadAsync<ReservationResponse>()).Status);
        Assert.Equal((4, 5, 4), await factory.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_booking_id_with_a_trailing_newline_is_a_400_and_holds_nothing()
    {
        var item = await factory.CreateItemAsync(total: 5);

        using var response = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId = "nl-test\n", itemId = item.ItemId });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((0, 5, 0), await factory.CountersAsync(item.ItemId));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    [InlineData("a-subject-that-is-far-too-long-to-be-recorded-as-the-user-of-a-reservation")]
    public async Task A_token_without_a_usable_subject_is_refused(string subject)
    {
        using var response = await factory.CreateUserClient(subject).GetAsync("/api/inventory/reservations/any-booking");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
