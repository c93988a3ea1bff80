using System.Globalization;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Bench;

/// <summary>An item's counters after the run and the units its holding (Reserved or Confirmed) reservations' lines add up to.</summary>
public sealed record ItemState(string ItemId, int Total, int Reserved, int Available, int Held)
{
    public bool Touched => Reserved != 0 || Held != 0;
}

public sealed record CheckResult(string Name, bool Passed, string Detail);

/// <summary>The checks after quiescence (every outcome in, the outbox drained): issue 9's invariants, one result each.</summary>
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
        var refused = outcomes.ByOutcome
            .Where(o => o.Key == BookingVerdict.ReservationFailed(ReservationFailureReasons.InsufficientStock)
                || o.Key == BookingVerdict.ReservationFailed(ReservationFailureReasons.UnknownItem))
            .Sum(o => o.Value);
        var expectedRows = outcomes.Bookings - refused - outcomes.None;
        List<CheckResult> checks =
        [
            new("reserved = sum of active lines", drifted.Count == 0, drifted.Count == 0
                ? Text($"{touched} items touched, {items.Count} checked")
                : Text($"{drifted.Count} items differ, e.g. ") + string.Join(", ", drifted.Take(ExamplesShown).Select(i => Text($"{i.ItemId} reserved {i.Reserved} vs lines {i.Held}")))),
            new("no negative availability", negative.Count == 0, negative.Count == 0
                ? Text($"{items.Count} items")
                : Text($"{negative.Count} items below 0, e.g. ") + string.Join(", ", negative.Take(ExamplesShown).Select(i => Text($"{i.ItemId} {i.Available}")))),
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

    /// <summary>When the run never became quiescent (time limit, a dead service): nothing to evaluate, and that fails.</summary>
    public static IReadOnlyList<CheckResult> NotQuiescent(string why) => [new("quiescence", false, why)];

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
