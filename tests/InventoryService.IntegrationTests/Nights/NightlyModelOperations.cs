using CsCheck;

namespace BookingSystem.InventoryService.IntegrationTests.Nights;

/// <summary>
/// One operation of a generated sequence. Operations that act on an earlier booking name it by a number taken modulo
/// the bookings made so far (so every sequence is valid, and shrinking keeps it valid).
/// </summary>
public abstract record NightOp
{
    /// <summary>The operation with its item numbers within the scenario's items.</summary>
    public virtual NightOp Within(int items) => this;
}

/// <summary>A new booking, by HTTP (a user's token) or by a BookingCreated message.</summary>
public sealed record ReserveOp(bool ByHttp, StayLine[] Lines, int HoldMinutes, int User) : NightOp
{
    public override NightOp Within(int items) =>
        this with { Lines = [.. Lines.Select(l => l with { Item = l.Item % items })] };

    public override string ToString() =>
        $"Reserve({(ByHttp ? "http u" + User : "msg")} {string.Join(" ", Lines.AsEnumerable())} hold {HoldMinutes}m)";
}

/// <summary>The same request as an earlier booking, sent again (same booking id and lines, new message id).</summary>
public sealed record RepeatOp(int Target) : NightOp
{
    public override string ToString() => $"Repeat(#{Target})";
}

/// <summary>A payment outcome for an earlier booking by message.</summary>
public sealed record PayOp(int Target, bool Succeeded) : NightOp
{
    public override string ToString() => $"Pay(#{Target} {(Succeeded ? "succeeded" : "failed")})";
}

/// <summary>POST /api/inventory/release of an earlier booking (by its user, or by an admin if by message).</summary>
public sealed record ReleaseOp(int Target, bool Manual) : NightOp
{
    public override string ToString() => $"Release(#{Target} {(Manual ? "Manual" : "Cancelled")})";
}

/// <summary>The clock moves on; holds past their deadline expire (the sweeper).</summary>
public sealed record AdvanceOp(int Minutes) : NightOp
{
    public override string ToString() => $"Advance({Minutes}m)";
}

/// <summary>An admin change of nights [From, To) of an item (optionally only on some weekdays).</summary>
public sealed record CalendarOp(
    int Item, int From, int To, DayOfWeek[]? Weekdays, int? Capacity, bool? Closed, int? MinStay, int? Allowance)
    : NightOp
{
    public override NightOp Within(int items) => this with { Item = Item % items };

    public override string ToString() =>
        $"Calendar({(char)('A' + Item)}[{From},{To})" +
        (Weekdays is { Length: > 0 } ? " on " + string.Join("/", Weekdays.Select(d => d.ToString()[..3])) : "") +
        (Capacity is { } c ? $" capacity {c}" : "") + (Closed is { } x ? (x ? " close" : " open") : "") +
        (MinStay is { } m ? $" minStay {m}" : "") + (Allowance is { } a ? $" allowance {a}" : "") + ")";
}

/// <summary>Reads: the stay search for [From, To) x Quantity, and a check of lines' availability.</summary>
public sealed record ReadOp(int From, int To, int Quantity, StayLine[] Lines) : NightOp
{
    public override NightOp Within(int items) =>
        this with { Lines = [.. Lines.Select(l => l with { Item = l.Item % items })] };

    public override string ToString() =>
        $"Read(search [{From},{To}) x{Quantity}; check {string.Join(" ", Lines.AsEnumerable())})";
}

/// <summary>A generated scenario: one or two nightly items (capacity per night, allowance), the operations.</summary>
public sealed record NightScenario(int[] Capacities, int Allowance, int LowStockThreshold, NightOp[] Ops)
{
    public override string ToString() =>
        $"items {string.Join("/", Capacities)} (capacity per night), allowance {Allowance}, low-stock threshold " +
        $"{LowStockThreshold}, {Ops.Length} operations:" +
        Environment.NewLine + string.Join(Environment.NewLine, Ops.Select((op, i) => $"  {i,2}: {op}"));
}

/// <summary>The generators of scenarios over a window of nights.</summary>
public static class NightScenarios
{
    public static Gen<NightScenario> Generate(int windowNights)
    {
        var line = Gen.Select(Gen.Int[0, 1], Gen.Int[1, 2], Gen.Int[0, windowNights - 1], Gen.Int[1, windowNights],
            (item, quantity, from, nights) =>
                new StayLine(item, quantity, from, Math.Min(windowNights, from + nights)));
        var reserve = Gen.Select(Gen.Bool, Gen.Frequency((4, line.Array[1]), (1, line.Array[2])), Gen.Int[1, 4],
            Gen.Int[0, 1], (http, lines, hold, user) => (NightOp)new ReserveOp(http, lines, hold, user));
        var target = Gen.Int[0, 1_000];
        var range = Gen.Select(Gen.Int[0, 1], Gen.Int[0, windowNights - 1], Gen.Int[1, windowNights],
            (item, from, nights) => (Item: item, From: from, To: Math.Min(windowNights, from + nights)));
        var weekdays = Gen.Frequency(
            (5, Gen.Const((DayOfWeek[]?)null)),
            (1, Gen.Int[0, 6].Array[1, 2].Select(d => (DayOfWeek[]?)[.. d.Distinct().Select(x => (DayOfWeek)x)])));
        var change = Gen.Select(range, weekdays, Gen.Select(Gen.Int[0, 4].Nullable(0.5), Gen.Bool.Nullable(0.8),
                Gen.Int[1, 3].Nullable(0.6), Gen.Int[0, 2].Nullable(0.6)), Gen.Bool,
            (r, days, settings, flip) =>
            {
                var (capacity, closed, minStay, allowance) = settings;
                closed = capacity is null && closed is null && minStay is null && allowance is null ? flip : closed;
                return (NightOp)new CalendarOp(r.Item, r.From, r.To, days, capacity, closed, minStay, allowance);
            });
        var close = Gen.Select(range, Gen.Bool, // stop-sell, and selling again
            (r, closed) => (NightOp)new CalendarOp(r.Item, r.From, r.To, null, null, closed, null, null));
        var op = Gen.Frequency(
            (32, reserve),
            (6, target.Select(t => (NightOp)new RepeatOp(t))),
            (18, Gen.Select(target, Gen.Bool, (t, ok) => (NightOp)new PayOp(t, ok))),
            (10, Gen.Select(target, Gen.Bool, (t, manual) => (NightOp)new ReleaseOp(t, manual))),
            (10, Gen.Int[1, 3].Select(m => (NightOp)new AdvanceOp(m))),
            (12, change),
            (5, close),
            (5, Gen.Select(range, Gen.Int[1, 3], Gen.Frequency((3, line.Array[1]), (2, line.Array[2])),
                (r, quantity, lines) => (NightOp)new ReadOp(r.From, r.To, quantity, lines))));
        return from items in Gen.Int[1, 2]
               from capacities in Gen.Int[1, 3].Array[items]
               from allowance in Gen.Int[0, 1]
               from threshold in Gen.Int[0, 2]
               from ops in op.Array[10, 45]
               select new NightScenario(capacities, allowance, threshold, [.. ops.Select(o => o.Within(items))]);
    }
}
