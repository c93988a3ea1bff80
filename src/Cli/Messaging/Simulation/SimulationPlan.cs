using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>What the simulated payment service does once a booking's stock is held.</summary>
public enum PaymentPlan
{
    Pay,
    FailPayment,
    NeverPay,

    /// <summary>Never pays, and the hold is short enough to expire during the run: final once released as Expired.</summary>
    LetExpire,
}

public sealed record PlannedBooking(string BookingId, IReadOnlyList<BookingLine> Lines, PaymentPlan Payment)
{
    public string CorrelationId => BookingId;

    public int Units => Lines.Sum(l => l.Quantity);
}

/// <summary>
/// An item as the inventory API lists it. A <see cref="Nightly"/> item's counts are per night (its calendar has
/// them); <see cref="Total"/> is the capacity of its nights.
/// </summary>
public sealed record StockItem(string ItemId, int Total, int Reserved, int Available, string? Kind = null)
{
    public const string Nightly = nameof(Nightly);

    public bool IsNightly => Kind == Nightly;
}

/// <summary>
/// The bookings of one run, all decided up front from one seeded <see cref="Random"/>: which items (preferring
/// ones with stock left), and per booking its lines (distinct items, 1..QuantityMax each), its stay (with
/// <see cref="SimulationOptions.Stays"/>) and its payment fate. Pool items are booked by default, nightly items with
/// stays. The same seed over the same item list gives the same plan; booking ids carry the run id, so runs never
/// collide.
/// </summary>
public sealed record SimulationPlan(string RunId, IReadOnlyList<string> ItemIds, IReadOnlyList<PlannedBooking> Bookings)
{
    private const string NoNightlyItems = "The inventory lists no Nightly items to book stays at. Create some first " +
        "(admin: POST /api/inventory/items with \"kind\": \"Nightly\" and \"total\" = rooms per night).";

    public static SimulationPlan Create(SimulationOptions options, IReadOnlyList<StockItem> liveItems, string runId)
    {
        var random = new Random(options.Seed);
        var stays = options.Stays is not null;
        // An undated line for a nightly item (or a dated one for a pool) is an invalid message, not a booking.
        var bookable = liveItems.Where(i => i.IsNightly == stays).ToList();
        if (bookable.Count == 0)
        {
            throw new SimulationException(
                stays ? NoNightlyItems
                : liveItems.Count == 0 ? "The inventory lists no items."
                : "The inventory lists only Nightly items: book stays at them with --stays.");
        }

        // Items with stock first (a run over sold-out rooms only shows InsufficientStock), each group shuffled.
        var ordered = bookable.OrderBy(i => i.ItemId, StringComparer.Ordinal).ToArray();
        var inStock = ordered.Where(i => i.Available > 0).ToArray();
        var soldOut = ordered.Where(i => i.Available <= 0).ToArray();
        random.Shuffle(inStock);
        random.Shuffle(soldOut);
        var itemIds = inStock.Concat(soldOut).Take(options.Items).Select(i => i.ItemId).ToList();

        return new SimulationPlan(runId, itemIds, PlanBookings(options, itemIds, random, $"sim-{runId}-"));
    }

    /// <summary>
    /// <paramref name="options"/>.<c>Bookings</c> bookings over <paramref name="itemIds"/>, ids <paramref name="idPrefix"/> + a
    /// zero-padded number: per booking 1..LinesMax distinct items (drawn without shuffling the whole list, so ten
    /// thousand items cost no more than ten), 1..QuantityMax units each, with <see cref="SimulationOptions.Stays"/>
    /// one stay for all its lines, and its payment fate. Without stays the draws are those of a plan before stays
    /// existed: the same seed gives the same pool bookings.
    /// </summary>
    public static IReadOnlyList<PlannedBooking> PlanBookings(SimulationOptions options, IReadOnlyList<string> itemIds, Random random, string idPrefix)
    {
        var bookings = new List<PlannedBooking>(options.Bookings);
        var width = Math.Max(4, options.Bookings.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var chosen = new List<int>(options.LinesMax);
        for (var n = 1; n <= options.Bookings; n++)
        {
            var lineCount = random.Next(1, Math.Min(options.LinesMax, itemIds.Count) + 1);
            chosen.Clear();
            while (chosen.Count < lineCount)
            {
                var index = random.Next(itemIds.Count);
                if (!chosen.Contains(index))
                {
                    chosen.Add(index);
                }
            }

            var lines = chosen
                .Select(index => new BookingLine(itemIds[index], random.Next(1, options.QuantityMax + 1)))
                .OrderBy(l => l.ItemId, StringComparer.Ordinal)
                .ToList();
            if (options.Stays is { } window)
            {
                var (checkIn, checkOut) = window.Draw(random);
                lines = [.. lines.Select(l => l with { CheckIn = checkIn, CheckOut = checkOut })];
            }

            var roll = random.NextDouble();
            var payment = roll < options.NeverPayRate ? PaymentPlan.NeverPay
                : roll < options.NeverPayRate + options.PaymentFailureRate ? PaymentPlan.FailPayment
                : PaymentPlan.Pay;
            bookings.Add(new PlannedBooking(idPrefix + n.ToString("D" + width, System.Globalization.CultureInfo.InvariantCulture), lines, payment));
        }

        return bookings;
    }

    public static string NewRunId() => Guid.NewGuid().ToString("N")[..8];
}

/// <summary>The simulation cannot run as asked (nothing to book); the message says what to do.</summary>
public sealed class SimulationException(string message) : Exception(message);
