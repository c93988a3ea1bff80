namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>
/// The stays <c>simulate --stays</c> books: check-in on one of the <see cref="Days"/> days from
/// <see cref="FirstCheckIn"/> on, for 1..<see cref="MaxNights"/> nights, drawn from the run's seeded random.
/// </summary>
public sealed record StayWindow(DateOnly FirstCheckIn)
{
    public const int Days = 180;
    public const int MaxNights = 7;

    /// <summary>
    /// From tomorrow (UTC) on: no time zone's today is later than that, so no stay starts in an item's past, and the
    /// last night (about 186 days ahead) is well inside the service's booking horizon.
    /// </summary>
    public static StayWindow StartingTomorrow(TimeProvider time) =>
        new(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1));

    /// <summary>The day after the last night any stay of the window can have.</summary>
    public DateOnly End => FirstCheckIn.AddDays(Days - 1 + MaxNights);

    public (DateOnly CheckIn, DateOnly CheckOut) Draw(Random random)
    {
        var checkIn = FirstCheckIn.AddDays(random.Next(Days));
        return (checkIn, checkIn.AddDays(random.Next(1, MaxNights + 1)));
    }
}
