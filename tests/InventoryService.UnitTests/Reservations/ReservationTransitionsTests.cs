using BookingSystem.InventoryService.Reservations;

namespace BookingSystem.InventoryService.UnitTests.Reservations;

public sealed class ReservationTransitionsTests
{
    /// <summary>
    /// The whole state machine: every status (none yet, and Released by a failed payment apart from Released
    /// otherwise) against every action. "done" = already there, nothing to do; "+take" = takes the lines' stock;
    /// "-back" = gives it back; a status alone = moves there and the stock stays as it is.
    /// </summary>
    private const string Table = """
        from \ action        Hold          Confirm    Pay            Release:PaymentFailed  Release:Cancelled  Release:Manual  Release:Expired  Expire
        none                 Reserved+take refused    refused        Released               refused            refused         refused          refused
        Reserved             done          Confirmed  Confirmed      Released-back          Released-back      Released-back   refused          Expired-back
        Confirmed            done          done       done           refused                Released-back      Released-back   refused          refused
        Released:PaymentFailed refused     refused    Confirmed+take done                   done               done            done             refused
        Released:Cancelled   refused       refused    refused        done                   done               done            done             refused
        Expired              refused       refused    Confirmed+take refused                refused            refused         refused          done
        """;

    public static TheoryData<string, string, string> Cells()
    {
        var rows = Table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var actions = rows[0][3..];
        var cells = new TheoryData<string, string, string>();
        foreach (var row in rows.Skip(1))
        {
            for (var i = 0; i < actions.Length; i++)
            {
                cells.Add(row[0], actions[i], row[i + 1]);
            }
        }

        return cells;
    }

    [Fact]
    public void The_table_covers_every_status_and_action()
    {
        var header = Table.Split('\n')[0];

        Assert.Equal(6 * 8, Cells().Count);
        Assert.All(Enum.GetNames<ReservationAction>(), action => Assert.Contains(action, header, StringComparison.Ordinal));
        Assert.All(Enum.GetNames<ReleaseReason>(), reason => Assert.Contains("Release:" + reason, header, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Decide_follows_the_table(string from, string action, string expected)
    {
        var (status, releasedAs) = Parse<ReservationStatus>(from);
        var (act, reason) = Parse<ReservationAction>(action);

        var transition = ReservationTransitions.Decide(from == "none" ? null : status, releasedAs, act, reason);

        Assert.Equal(expected, Describe(transition, status));
    }

    [Fact]
    public void Refusals_explain_themselves()
    {
        Assert.Equal("A reservation that is Expired cannot be Confirmed.",
            ReservationTransitions.Explain(ReservationStatus.Expired, ReservationAction.Confirm, null));
        Assert.Contains("Cancelled or Manual",
            ReservationTransitions.Explain(ReservationStatus.Confirmed, ReservationAction.Release, ReleaseReason.PaymentFailed),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_reservation_moves_only_by_an_applied_transition_with_its_time_stamps()
    {
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var reservation = new Reservation { BookingId = "b", Key = "b", CorrelationId = "c" };

        reservation.MoveTo(ReservationTransitions.Decide(ReservationStatus.Reserved, null, ReservationAction.Expire), ReleaseReason.Expired, now);
        Assert.Equal((ReservationStatus.Expired, now, ReleaseReason.Expired), (reservation.Status, reservation.ReleasedAt, reservation.ReleaseReason));

        var paid = ReservationTransitions.Decide(reservation.Status, reservation.ReleaseReason, ReservationAction.Pay);
        reservation.MoveTo(paid, null, now.AddMinutes(1));
        Assert.Equal((ReservationStatus.Confirmed, now.AddMinutes(1), null, null),
            (reservation.Status, reservation.ConfirmedAt, reservation.ReleasedAt, reservation.ReleaseReason));

        var repeat = ReservationTransitions.Decide(reservation.Status, null, ReservationAction.Confirm);
        Assert.Throws<InvalidOperationException>(() => reservation.MoveTo(repeat, null, now));
        var decidedForAHold = ReservationTransitions.Decide(ReservationStatus.Reserved, null, ReservationAction.Release,
            ReleaseReason.Cancelled);
        Assert.Throws<InvalidOperationException>(() => reservation.MoveTo(decidedForAHold, ReleaseReason.Cancelled, now));
    }

    /// <summary>
    /// "Released:PaymentFailed" → (Released, PaymentFailed); "Hold" → (Hold, null); "none" → (default, null).
    /// </summary>
    private static (T Value, ReleaseReason? Reason) Parse<T>(string cell) where T : struct, Enum
    {
        var parts = cell.Split(':');
        var value = Enum.TryParse<T>(parts[0], out var parsed) ? parsed : default;
        return (value, parts.Length > 1 ? Enum.Parse<ReleaseReason>(parts[1]) : null);
    }

    private static string Describe(Transition transition, ReservationStatus from) => transition.Decision switch
    {
        TransitionDecision.Refused => "refused",
        TransitionDecision.AlreadyDone => transition.Target == from ? "done" : $"done as {transition.Target}",
        _ => transition.Target + transition.Stock switch
        {
            StockMove.Take => "+take",
            StockMove.GiveBack => "-back",
            _ => "",
        },
    };
}
