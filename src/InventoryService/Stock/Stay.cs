namespace BookingSystem.InventoryService.Stock;

/// <summary>A stay at a nightly item: the nights <c>[CheckIn, CheckOut)</c>.</summary>
public readonly record struct Stay(DateOnly CheckIn, DateOnly CheckOut)
{
    public int Length => CheckOut.DayNumber - CheckIn.DayNumber;

    public IEnumerable<DateOnly> Nights() => NightsOf(CheckIn, CheckOut);

    /// <summary>The nights from <paramref name="checkIn"/> up to, not including, <paramref name="checkOut"/>.</summary>
    public static IEnumerable<DateOnly> NightsOf(DateOnly? checkIn, DateOnly? checkOut)
    {
        if (checkIn is not { } first || checkOut is not { } end)
        {
            yield break;
        }

        for (var night = first; night < end; night = night.AddDays(1))
        {
            yield return night;
        }
    }
}
