using System.Net;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Reservations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>
/// The identity rule (BookingKey): a booking that comes by message and an HTTP reservation never share an identity,
/// even with the same booking id. A payment applies only to the booking it was made for; an HTTP caller can neither
/// take a waiting payment, nor squat a booking id, nor see a booking of the booking service; a refused booking
/// consumes nothing.
/// </summary>
public sealed class IdentityRuleTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    private EventProbe Probe => env.Probe;

    [Fact]
    public async Task An_http_reserve_of_a_paid_booking_id_is_not_confirmed_by_that_payment_and_leaves_it_to_the_real_booking()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "paid-" + EventProbe.NewId();
        await Probe.PaymentAsync(bookingId, succeeded: true);
        await env.WaitForPaymentRecordAsync(bookingId);

        using var stolen = await env.Service.CreateUserClient("mallory").PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 1 });
        var httpReservation = await stolen.ReadAsync<ReservationResponse>();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2);
        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);

        Assert.Equal(HttpStatusCode.Created, stolen.StatusCode);
        Assert.Equal((ReservationStatus.Reserved, ReservationOrigin.Http), (httpReservation.Status, httpReservation.Origin));
        Assert.Equal([RoutingKeys.InventoryReserved, RoutingKeys.InventoryConfirmed], Probe.For(bookingId).Select(e => e.RoutingKey));
        Assert.Equal(ReservationStatus.Confirmed, (await FindAsync(bookingId))!.Status);
        Assert.Equal(ReservationStatus.Reserved, (await FindAsync(BookingKey.Http("mallory", bookingId)))!.Status);
        Assert.Equal((3, 10, 3), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_booking_id_squatted_over_http_does_not_block_the_booking_that_arrives_by_message()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "squat-" + EventProbe.NewId();
        using var squat = await env.Service.CreateUserClient("mallory").PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 1 });

        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 4);
        var reserved = await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);

        Assert.Equal(HttpStatusCode.Created, squat.StatusCode);
        Assert.Equal(4, reserved.Data.GetProperty("items")[0].GetProperty("quantity").GetInt32());
        Assert.Equal((5, 10, 5), await env.Service.CountersAsync(item.ItemId));
        // The squatter's own events name the reservation by its key, never by the booking service's id.
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, BookingKey.Http("mallory", bookingId));
    }

    [Fact]
    public async Task A_user_cannot_see_or_release_a_booking_that_came_by_message_even_as_its_user()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "msg-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId); // userId "user-1"
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        var user = env.Service.CreateUserClient("user-1");

        using var read = await user.GetAsync($"/api/inventory/reservations/{bookingId}");
        using var release = await user.PostJsonAsync("/api/inventory/release", new { bookingId });
        using var adminRead = await env.Service.CreateClient().GetAsync($"/api/inventory/reservations/{bookingId}");

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, release.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminRead.StatusCode);
        Assert.Equal(ReservationOrigin.Message, (await adminRead.ReadAsync<ReservationResponse>()).Origin);
        Assert.Equal((1, 10, 1), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_refused_booking_leaves_a_waiting_payment_for_the_attempt_that_succeeds()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "refused-" + EventProbe.NewId();
        await Probe.PaymentAsync(bookingId, succeeded: true);
        await env.WaitForPaymentRecordAsync(bookingId);

        await Probe.BookingCreatedAsync(bookingId, "NO-SUCH-ITEM");
        await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, bookingId);
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2);
        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);

        Assert.Equal(
            [RoutingKeys.InventoryReservationFailed, RoutingKeys.InventoryReserved, RoutingKeys.InventoryConfirmed],
            Probe.For(bookingId).Select(e => e.RoutingKey));
        Assert.Equal((2, 10, 2), await env.Service.CountersAsync(item.ItemId));
    }



    private async Task<Reservation?> FindAsync(string key)
    {
        await using var scope = env.Service.Scope();
        return await scope.ServiceProvider.GetRequiredService<ReservationService>().FindAsync(key, CancellationToken.None);
    }
}
