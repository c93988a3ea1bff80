using System.Globalization;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>One counter in the consistency check: <c>after - before</c> must equal <c>Expected + Foreign</c>.</summary>
public sealed record CounterCheck(CounterKey Key, int Before, int? After, int Expected, int Foreign)
{
    public int? Delta => After - Before;

    public bool Matches => Delta == Expected + Foreign;
}

/// <summary>
/// One simulated item in the consistency check: its counters (the item's own, or one per night read), summed for the
/// report. It matches when every counter does.
/// </summary>
public sealed record ItemCheck(string ItemId, IReadOnlyList<CounterCheck> Counters)
{
    public int ReservedBefore => Counters.Sum(c => c.Before);

    public int? ReservedAfter => Counters.Any(c => c.After is null) ? null : Counters.Sum(c => c.After);

    public int Expected => Counters.Sum(c => c.Expected);

    public int Foreign => Counters.Sum(c => c.Foreign);

    public int? Delta => ReservedAfter - ReservedBefore;

    public bool Matches => Counters.All(c => c.Matches);
}

/// <summary>How the run went in time: publishing, and the last booking reaching its final outcome.</summary>
public sealed record RunTimings(TimeSpan Published, TimeSpan? LastFinalOutcome, TimeSpan Total);

/// <summary>What the payment side and the publisher did, and how often the broker connection dropped and came back.</summary>
public sealed record PublishTally(int Bookings, int PaymentsSucceeded, int PaymentsFailed, int Failures, string? FirstFailure, int ConnectionLosses = 0, int Recoveries = 0);

/// <summary>
/// The end of a run: per final outcome how many bookings, the bookings without exactly one final outcome, and the
/// consistency check of the stock counters. <see cref="Passed"/> decides the exit code.
/// </summary>
public sealed class SimulationReport
{
    /// <summary>Always shown (the others only when they occur).</summary>
    public static readonly IReadOnlyList<string> MainOutcomes =
    [
        BookingVerdict.Confirmed,
        BookingVerdict.Released(ReleaseReasons.PaymentFailed),
        BookingVerdict.ReservationFailed(ReservationFailureReasons.InsufficientStock),
        BookingVerdict.ReservationFailed(ReservationFailureReasons.UnknownItem),
        BookingVerdict.NeverPaid,
    ];

    private SimulationReport(
        SimulationPlan plan, SimulationOptions options, IReadOnlyList<BookingVerdict> verdicts, IReadOnlyList<ItemCheck> items,
        string? countersError, RunTimings timings, PublishTally published, OutcomeLedger ledger)
    {
        Plan = plan;
        Options = options;
        Verdicts = verdicts;
        Items = items;
        CountersError = countersError;
        Timings = timings;
        Published = published;
        Ledger = ledger;
    }

    public SimulationPlan Plan { get; }

    public SimulationOptions Options { get; }

    public IReadOnlyList<BookingVerdict> Verdicts { get; }

    public IReadOnlyList<ItemCheck> Items { get; }

    /// <summary>Why the counters after the run could not be read (then the check fails).</summary>
    public string? CountersError { get; }

    public RunTimings Timings { get; }

    public PublishTally Published { get; }

    public OutcomeLedger Ledger { get; }

    public int WithoutFinalOutcome => Verdicts.Count(v => v.FinalOutcomes == 0);

    public int WithSeveralFinalOutcomes => Verdicts.Count(v => v.FinalOutcomes > 1);

    /// <summary>Exactly one final outcome, but not one the plan allows (e.g. Confirmed after PaymentFailed).</summary>
    public int WithUnexpectedOutcome => Verdicts.Count(v => v.FinalOutcomes == 1 && v.Problem is not null);

    public int ExpectedReservedDelta => Items.Sum(i => i.Expected);

    public int ForeignReservedDelta => Items.Sum(i => i.Foreign);

    public int? ReservedDelta => CountersError is null ? Items.Sum(i => i.Delta) : null;

    public bool ConsistencyPassed => CountersError is null && Items.All(i => i.Matches);

    public bool Passed => WithoutFinalOutcome == 0 && WithSeveralFinalOutcomes == 0 && WithUnexpectedOutcome == 0 && Published.Failures == 0 && ConsistencyPassed;

    /// <summary>Bookings per second from the first publish to the last final outcome (null when some never got one).</summary>
    public double? Throughput => Timings.LastFinalOutcome is { TotalSeconds: > 0 } last && WithoutFinalOutcome == 0 ? Plan.Bookings.Count / last.TotalSeconds : null;

    public IReadOnlyDictionary<string, int> OutcomeCounts =>
        Verdicts.Where(v => v.FinalOutcomes == 1).GroupBy(v => v.Outcome!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <param name="before">
    /// The simulated items' counters read before the first publish: each pool item's <c>reserved</c>, each night's
    /// held + confirmed of the nightly items (the nights read are the nights checked).
    /// </param>
    /// <param name="after">
    /// The same counters read after the last outcome, or null if they could not be read
    /// (<paramref name="countersError"/>).
    /// </param>
    public static SimulationReport Create(
        SimulationPlan plan, SimulationOptions options, OutcomeLedger ledger,
        IReadOnlyDictionary<CounterKey, int> before, IReadOnlyDictionary<CounterKey, int>? after, string? countersError,
        RunTimings timings, PublishTally published)
    {
        var verdicts = ledger.Verdicts();
        var held = StockCounters.Held(verdicts.Where(v => v.HoldsStock).SelectMany(v => v.Booking.Lines));
        var counters = before.Keys.ToLookup(k => k.ItemId, StringComparer.Ordinal);
        var items = plan.ItemIds.Select(id => new ItemCheck(id, [.. counters[id].OrderBy(k => k.Night).Select(
                key => new CounterCheck(
                    key,
                    before[key],
                    after is null ? null : after.TryGetValue(key, out var a) ? a : null,
                    held.GetValueOrDefault(key),
                    ledger.ForeignReservedDelta.GetValueOrDefault(key)))]))
            .ToList();
        var missing = after is null ? null : items.Where(i => i.ReservedAfter is null).Select(i => i.ItemId).ToList();
        countersError ??= missing is { Count: > 0 } ? "not listed any more: " + string.Join(", ", missing) : null;
        return new SimulationReport(plan, options, verdicts, items, countersError, timings, published, ledger);
    }

    public void Write(TextWriter output)
    {
        var bookings = Plan.Bookings.Count;
        var line = new string('-', 58);
        output.WriteLine();
        output.WriteLine(Invariant($"SUMMARY  run {Plan.RunId}: {bookings} bookings over {Plan.ItemIds.Count} items, seed {Options.Seed}"));
        if (Options.Stays is { } stays)
        {
            output.WriteLine(Invariant($"  stays: 1-{StayWindow.MaxNights} nights, one per booking, check-in ") +
                Invariant($"{LineText.Date(stays.FirstCheckIn)} or up to {StayWindow.Days - 1} days later"));
        }

        output.WriteLine(Invariant($"  planned: {Count(PaymentPlan.Pay)} pay, {Count(PaymentPlan.FailPayment)} payment fails, {Count(PaymentPlan.NeverPay)} never pay"));
        output.WriteLine(Invariant($"  published: {Published.Bookings} BookingCreated in {Timings.Published.TotalSeconds:0.0} s, {Published.PaymentsSucceeded} PaymentSucceeded, {Published.PaymentsFailed} PaymentFailed, {Published.Failures} publish failures"));
        if (Published.FirstFailure is not null)
        {
            output.WriteLine($"  first publish failure: {Published.FirstFailure}");
        }

        if (Published.ConnectionLosses > 0)
        {
            output.WriteLine(Invariant($"  broker: connection lost {Published.ConnectionLosses}x, recovered {Published.Recoveries}x (publishes retried with the same eventId)"));
        }

        output.WriteLine(Invariant($"  events: {Ledger.DuplicateDeliveries} duplicate deliveries (same eventId, ignored), {Ledger.LowStockAlerts} LowStockAlert, {Ledger.ForeignEvents} about other bookings on these items"));
        output.WriteLine();
        output.WriteLine(Invariant($"  {"Final outcome",-44}{"Bookings",10}"));
        output.WriteLine("  " + line);
        var counts = OutcomeCounts;
        foreach (var outcome in MainOutcomes.Concat(counts.Keys.Except(MainOutcomes).Order(StringComparer.Ordinal)))
        {
            output.WriteLine(Invariant($"  {outcome,-44}{counts.GetValueOrDefault(outcome),10}"));
        }

        output.WriteLine("  " + line);
        output.WriteLine(Invariant($"  {"Exactly one final outcome",-44}{Verdicts.Count(v => v.FinalOutcomes == 1),10}"));
        output.WriteLine(Invariant($"  {"No final outcome (must be 0)",-44}{WithoutFinalOutcome,10}"));
        output.WriteLine(Invariant($"  {"More than one final outcome (must be 0)",-44}{WithSeveralFinalOutcomes,10}"));
        output.WriteLine(Invariant($"  {"Outcome not fitting the payment (must be 0)",-44}{WithUnexpectedOutcome,10}"));
        output.WriteLine();
        output.WriteLine(Throughput is { } rate
            ? Invariant($"  Throughput: {rate:0.0} bookings/s ({bookings} bookings, last final outcome after {Timings.LastFinalOutcome!.Value.TotalSeconds:0.00} s; run {Timings.Total.TotalSeconds:0.0} s)")
            : Invariant($"  Throughput: n/a (not every booking got a final outcome within {Options.Timeout.TotalSeconds:0} s)"));

        foreach (var problem in Verdicts.Where(v => v.Problem is not null).Take(10))
        {
            output.WriteLine($"  ! {problem.Booking.BookingId} ({problem.Booking.Payment}): {problem.Problem}");
            output.WriteLine($"      lines: {LineText.Of(problem.Booking.Lines)}");
        }

        WriteConsistency(output);
        output.WriteLine();
        output.WriteLine(Passed ? "RESULT: PASS" : "RESULT: FAIL");
    }

    private void WriteConsistency(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(Options.Stays is null
            ? "CONSISTENCY CHECK  reserved counters of the simulated items (HTTP), before and after"
            : "CONSISTENCY CHECK  held + confirmed of every night the stays could use (HTTP calendars), per night, " +
                "summed per item, before and after");
        output.WriteLine(Invariant($"  {"item",-12}{"before",8}{"after",8}{"delta",8}{"held",8}{"other",8}  "));
        foreach (var item in Items)
        {
            output.WriteLine(Invariant($"  {item.ItemId,-12}{item.ReservedBefore,8}{Show(item.ReservedAfter),8}{Show(item.Delta),8}{item.Expected,8}{item.Foreign,8}  {(item.Matches ? "ok" : "MISMATCH")}"));
        }

        output.WriteLine(Invariant($"  {"total",-12}{Items.Sum(i => i.ReservedBefore),8}{Show(CountersError is null ? Items.Sum(i => i.ReservedAfter) : null),8}{Show(ReservedDelta),8}{ExpectedReservedDelta,8}{ForeignReservedDelta,8}"));
        var nights = Items.SelectMany(i => i.Counters).Where(c => c is { Key.Night: not null, Matches: false });
        foreach (var night in nights.Take(10))
        {
            output.WriteLine($"  ! {night.Key.ItemId} night {LineText.Date(night.Key.Night!.Value)}: " +
                Invariant($"before {night.Before}, after {Show(night.After)}, ") +
                Invariant($"held {night.Expected}, other {night.Foreign}"));
        }

        output.WriteLine("  held = quantity of the bookings whose final state holds stock (Confirmed, or Reserved and never paid);");
        output.WriteLine("  other = reserved (+) or released (-) during the run by bookings not of this run (seen as events).");
        if (Options.Stays is not null)
        {
            output.WriteLine("  A nightly item's reserved is the held + confirmed of a night, and a stay counts on " +
                "each of its nights; a row sums the item's nights.");
        }

        if (CountersError is not null)
        {
            output.WriteLine($"  FAIL: the counters after the run could not be read: {CountersError}");
            return;
        }

        var foreign = ForeignReservedDelta == 0 ? string.Empty : Invariant($" + {ForeignReservedDelta} by other bookings");
        output.WriteLine(ConsistencyPassed
            ? Invariant($"  PASS: reserved_after - reserved_before = {ReservedDelta} = {ExpectedReservedDelta} held by Confirmed + Reserved bookings{foreign}, on every item")
            : Invariant($"  FAIL: reserved_after - reserved_before = {ReservedDelta}, expected {ExpectedReservedDelta}{foreign}; {Items.Count(i => !i.Matches)} item(s) differ"));
    }

    private int Count(PaymentPlan plan) => Plan.Bookings.Count(b => b.Payment == plan);

    private static string Show(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
