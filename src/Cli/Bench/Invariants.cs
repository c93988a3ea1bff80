using System.Globalization;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Bench;

/// <summary>An item's counters after the run and the units its holding (Reserved or Confirmed) reservations' lines add up to.</summary>
public sealed record ItemState(string ItemId, int Total, int Reserved, int Available, int Held)
{
    public bool Touched => Reserved != 0 || Held != 0;
}

/// <summary>
/// A night of a nightly item after the run: its settings and counters, and the units the Reserved
/// (<see cref="LinesHeld"/>) and Confirmed (<see cref="LinesConfirmed"/>) reservations' lines whose stays cover it add
/// up to.
/// </summary>
public sealed record NightState(
    string ItemId, DateOnly Night, int Capacity, int Allowance, int Held, int Confirmed, int LinesHeld,
    int LinesConfirmed)
{
    public bool Touched => Held != 0 || Confirmed != 0 || LinesHeld != 0 || LinesConfirmed != 0;

    public bool MatchesLines => Held == LinesHeld && Confirmed == LinesConfirmed;

    /// <summary>Within what the night may hold and sell (the table's CHECK says the same).</summary>
    public bool WithinCapacity => Held >= 0 && Confirmed >= 0 && Held + Confirmed <= Capacity + Allowance;
}

public sealed record CheckResult(string Name, bool Passed, string Detail);

/// <summary>
/// The checks after quiescence (every outcome in, the outbox drained): issue 9's invariants, one result each; for
/// nightly items the stock checks are per night.
/// </summary>
public static class Invariants
{
    public const int ExamplesShown = 3;

    /// <param name="unsentOutbox">Unsent outbox rows; null where nothing dispatches them (the DB ceiling): not checked.</param>
    /// <param name="reservationRows">Reservation rows of this phase's bookings in the database.</param>
    public static IReadOnlyList<CheckResult> Evaluate(IReadOnlyList<ItemState> items, OutcomeSummary outcomes, int? unsentOutbox, int reservationRows)
    {
        var touched = items.Count(i => i.Touched);
        var drifted = items.Where(i => i.Reserved != i.Held).ToList();
        var negative = items.Where(i => i.Available < 0).ToList();
        return
        [
            new("reserved = sum of active lines", drifted.Count == 0, drifted.Count == 0
                ? Text($"{touched} items touched, {items.Count} checked")
                : Text($"{drifted.Count} items differ, e.g. ")
                    + Examples(drifted, i => Text($"{i.ItemId} reserved {i.Reserved} vs lines {i.Held}"))),
            new("no negative availability", negative.Count == 0, negative.Count == 0
                ? Text($"{items.Count} items")
                : Text($"{negative.Count} items below 0, e.g. ")
                    + Examples(negative, i => Text($"{i.ItemId} {i.Available}"))),
            .. Bookings(outcomes, unsentOutbox, reservationRows),
        ];
    }

    /// <summary>
    /// The same checks for nightly items: the stock per night, then the bookings' (as <see cref="Evaluate"/>).
    /// </summary>
    public static IReadOnlyList<CheckResult> EvaluateNights(
        IReadOnlyList<NightState> nights, OutcomeSummary outcomes, int? unsentOutbox, int reservationRows)
    {
        var drifted = nights.Where(n => !n.MatchesLines).ToList();
        var over = nights.Where(n => !n.WithinCapacity).ToList();
        return
        [
            new("held and confirmed = sum of active lines, per night", drifted.Count == 0, drifted.Count == 0
                ? Text($"{nights.Count(n => n.Touched)} nights touched, {nights.Count} checked")
                : Text($"{drifted.Count} nights differ, e.g. ") + Examples(drifted, n =>
                    Text($"{n.ItemId} {n.Night:yyyy-MM-dd} held {n.Held} vs lines {n.LinesHeld}, ") +
                    Text($"confirmed {n.Confirmed} vs lines {n.LinesConfirmed}"))),
            new("no night above capacity + allowance", over.Count == 0, over.Count == 0
                ? Text($"{nights.Count} nights")
                : Text($"{over.Count} nights outside 0..capacity + allowance, e.g. ") + Examples(over, n =>
                    Text($"{n.ItemId} {n.Night:yyyy-MM-dd} held {n.Held} + confirmed {n.Confirmed} vs ") +
                    Text($"{n.Capacity} + {n.Allowance}"))),
            .. Bookings(outcomes, unsentOutbox, reservationRows),
        ];
    }

    /// <summary>When the run never became quiescent (time limit, a dead service): nothing to evaluate, and that fails.</summary>
    public static IReadOnlyList<CheckResult> NotQuiescent(string why) => [new("quiescence", false, why)];

    /// <summary>What the bookings left behind, whatever the items' kind: their outcomes, rows and outbox.</summary>
    private static IEnumerable<CheckResult> Bookings(OutcomeSummary outcomes, int? unsentOutbox, int reservationRows)
    {
        var refused = outcomes.ByOutcome
            .Where(o => o.Key == BookingVerdict.ReservationFailed(ReservationFailureReasons.InsufficientStock)
                || o.Key == BookingVerdict.ReservationFailed(ReservationFailureReasons.UnknownItem))
            .Sum(o => o.Value);
        var expectedRows = outcomes.Bookings - refused - outcomes.None;
        List<CheckResult> checks =
        [
            new("exactly one outcome per booking", outcomes.ExactlyOneEach,
                Text($"{outcomes.ExactlyOne} of {outcomes.Bookings}; none {outcomes.None}, several {outcomes.Several}, unexpected {outcomes.Unexpected}")
                + (outcomes.Problems.Count > 0 ? "; " + string.Join("; ", outcomes.Problems.Take(ExamplesShown)) : "")),
            new("one reservation row per held booking", reservationRows == expectedRows, Text($"{reservationRows} rows, {expectedRows} expected")),
        ];
        if (unsentOutbox is { } unsent)
        {
            checks.Add(new("nothing left in the outbox", unsent == 0, Text($"{unsent} unsent")));
        }

        return checks;
    }

    private static string Examples<T>(IEnumerable<T> failing, Func<T, string> describe) =>
        string.Join(", ", failing.Take(ExamplesShown).Select(describe));

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
