using BookingSystem.InventoryService.Validation;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Stock;

/// <summary>
/// The field checks of a line's dates, the same for HTTP and messages: a nightly item's line names a stay
/// (<c>checkIn</c> &lt; <c>checkOut</c>, at most <see cref="NightlyOptions.MaxStayNights"/>, no night in the past in
/// the
/// item's time zone, none beyond the horizon); a pool item's line names none. Lines for unknown items get only the
/// checks that need no item (the reservation then answers <c>UnknownItem</c>). The items must have been loaded into
/// the <see cref="ItemCatalogue"/> first (<see cref="LoadAsync"/>).
/// </summary>
public sealed class StayRules(ItemCatalogue catalogue, IOptions<NightlyOptions> options, TimeProvider time)
{
    public Task LoadAsync(IEnumerable<string?> itemIds, CancellationToken ct) => catalogue.LoadAsync(itemIds, ct);

    /// <summary>The line's stay, or null (a pool line, or an error added under the line's fields).</summary>
    /// <param name="prefix">Where the line's fields are: "items[2]." or "" for the shorthand.</param>
    public Stay? Check(string prefix, string itemId, DateOnly? checkIn, DateOnly? checkOut, ValidationErrors errors)
    {
        var item = catalogue.Find(itemId);
        if (checkIn is null && checkOut is null)
        {
            if (item?.Kind == ItemKind.Nightly)
            {
                errors.Add(prefix + "checkIn",
                    $"{itemId} is sold by the night: send checkIn and checkOut " +
                    "(ISO dates; the stay is [checkIn, checkOut)).");
            }

            return null;
        }

        if (item?.Kind == ItemKind.Pool)
        {
            errors.Add(prefix + "checkIn", $"{itemId} is not sold by the night: send no checkIn or checkOut.");
            return null;
        }

        if (checkIn is not { } first || checkOut is not { } end)
        {
            errors.Add(prefix + (checkIn is null ? "checkIn" : "checkOut"), "Send both checkIn and checkOut.");
            return null;
        }

        var stay = new Stay(first, end);
        var max = options.Value.MaxStayNights;
        if (stay.Length < 1)
        {
            errors.Add(prefix + "checkOut", "checkOut must be after checkIn.");
        }
        else if (stay.Length > max)
        {
            errors.Add(prefix + "checkOut", $"A stay is at most {max} nights; this one has {stay.Length}.");
        }
        else if (item?.TimeZone is { } zone)
        {
            var today = Today(zone);
            var horizonEnd = today.AddDays(options.Value.HorizonDays);
            if (first < today)
            {
                errors.Add(prefix + "checkIn",
                    $"{first:yyyy-MM-dd} is in the past in the item's time zone " +
                    $"({zone.Id}, where today is {today:yyyy-MM-dd}).");
            }
            else if (end > horizonEnd)
            {
                errors.Add(prefix + "checkOut",
                    "The stay goes beyond the booking horizon: nights are sold up to " +
                    $"{horizonEnd.AddDays(-1):yyyy-MM-dd}.");
            }
        }

        return errors.Has(prefix + "checkIn") || errors.Has(prefix + "checkOut") ? null : stay;
    }

    /// <summary>The date it is now in <paramref name="zone"/>.</summary>
    public DateOnly Today(TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
}
