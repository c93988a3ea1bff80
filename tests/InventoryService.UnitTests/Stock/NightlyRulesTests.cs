using BookingSystem.Contracts;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;
using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.UnitTests.Stock;

/// <summary>The pure rules of nights: the date checks of a line, the per-night comparison, and what a transition does to a night.</summary>
public sealed class NightlyRulesTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 10, 12, 0, 0, TimeSpan.Zero);

    private static readonly StayRules Stays = TestStays.With(Now,
        ("ROOM", ItemKind.Nightly, "UTC"), ("AHEAD", ItemKind.Nightly, "Pacific/Kiritimati"), ("PARKING", ItemKind.Pool, null));

    private static DateOnly D(string date) => DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("ROOM", "2027-01-10", "2027-01-12", null)]
    [InlineData("ROOM", "2027-01-12", "2027-01-12", "x.checkOut")]
    [InlineData("ROOM", "2027-01-12", "2027-02-12", "x.checkOut")] // 31 nights
    [InlineData("ROOM", "2027-01-09", "2027-01-12", "x.checkIn")] // yesterday
    [InlineData("ROOM", "2029-01-08", "2029-01-11", "x.checkOut")] // the last night on sale is 2029-01-09
    [InlineData("AHEAD", "2027-01-10", "2027-01-12", "x.checkIn")] // already the 11th at UTC+14
    [InlineData("PARKING", "2027-01-10", "2027-01-12", "x.checkIn")]
    [InlineData("UNKNOWN", "2027-01-09", "2027-01-12", null)] // no item: only the checks that need none
    [InlineData("UNKNOWN", "2027-01-12", "2027-01-11", "x.checkOut")]
    public void A_lines_dates_are_checked_against_its_item(string itemId, string checkIn, string checkOut, string? field)
    {
        var errors = new ValidationErrors();

        var stay = Stays.Check("x.", itemId, D(checkIn), D(checkOut), errors);

        Assert.Equal(field, errors.ToDictionary().Keys.SingleOrDefault());
        Assert.Equal(field is null ? new Stay(D(checkIn), D(checkOut)) : null, stay);
    }

    [Fact]
    public void A_nightly_line_needs_dates_and_a_pool_line_takes_none()
    {
        var errors = new ValidationErrors();

        Assert.Null(Stays.Check("a.", "ROOM", null, null, errors));
        Assert.Null(Stays.Check("b.", "PARKING", null, null, errors));
        Assert.Null(Stays.Check("c.", "ROOM", D("2027-01-11"), null, errors));

        Assert.Equal(["a.checkIn", "c.checkOut"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Lines_of_one_booking_on_the_same_night_add_up_and_each_failing_night_is_named_with_its_reason()
    {
        var item = new InventoryItem { ItemId = "ROOM", Name = "Room", Kind = ItemKind.Nightly, TimeZone = "UTC" };
        var nights = new Dictionary<DateOnly, ItemNight>
        {
            [D("2027-02-01")] = Night("2027-02-01", capacity: 3, minStay: 2),
            [D("2027-02-02")] = Night("2027-02-02", capacity: 3, held: 2),
            [D("2027-02-03")] = Night("2027-02-03", capacity: 3, closed: true),
        };
        RequestedLine[] lines =
        [
            new("ROOM", 1, new Stay(D("2027-02-01"), D("2027-02-03"))),
            new("ROOM", 1, new Stay(D("2027-02-02"), D("2027-02-05"))),
        ];

        var result = Availability.Evaluate(lines, new Dictionary<string, InventoryItem> { ["ROOM"] = item },
            (_, night) => nights.GetValueOrDefault(night));

        // The 1st line's arrival night asks two nights and gets them; its 2nd night has 1 unit left for the 2 lines.
        Assert.Equal([new NightAvailability(D("2027-02-02"), ShortfallReason.InsufficientStock, 1)], result[0].Nights);
        Assert.Equal(
            [
                new NightAvailability(D("2027-02-02"), ShortfallReason.InsufficientStock, 1),
                new NightAvailability(D("2027-02-03"), ShortfallReason.Closed, 0),
                new NightAvailability(D("2027-02-04"), ShortfallReason.OutsideHorizon, null),
            ],
            result[1].Nights);
        Assert.Equal(ReservationFailureReasons.OutsideHorizon, Availability.FailureReason(result));
    }

    [Fact]
    public void A_night_takes_holds_beyond_its_capacity_only_within_its_allowance()
    {
        var night = Night("2027-02-01", capacity: 2, held: 2, allowance: 1);

        Assert.Equal((1, false), (night.Available, night.Overbooked));
        night.Held++;
        Assert.Equal((0, true), (night.Available, night.Overbooked));
    }

    [Theory]
    [InlineData(null, ReservationAction.Hold, null, 1, 0)]
    [InlineData(ReservationStatus.Reserved, ReservationAction.Pay, null, -1, 1)]
    [InlineData(ReservationStatus.Reserved, ReservationAction.Release, ReleaseReason.PaymentFailed, -1, 0)]
    [InlineData(ReservationStatus.Reserved, ReservationAction.Expire, ReleaseReason.Expired, -1, 0)]
    [InlineData(ReservationStatus.Confirmed, ReservationAction.Release, ReleaseReason.Cancelled, 0, -1)]
    [InlineData(ReservationStatus.Expired, ReservationAction.Pay, null, 0, 1)]
    [InlineData(ReservationStatus.Confirmed, ReservationAction.Pay, null, 0, 0)]
    public void A_transition_moves_a_nights_held_and_sold_counts_by_where_the_units_come_from_and_go(
        ReservationStatus? from, ReservationAction action, ReleaseReason? reason, int held, int confirmed)
    {
        var move = NightMove.Of(ReservationTransitions.Decide(from, null, action, reason));

        Assert.Equal((held, confirmed), move.Deltas);
    }

    private static ItemNight Night(
        string date, int capacity, int held = 0, bool closed = false, int minStay = 1, int allowance = 0) => new()
    {
        ItemId = "ROOM", Night = D(date), Capacity = capacity, Held = held, Closed = closed, MinStay = minStay,
        OverbookingAllowance = allowance,
    };
}
