namespace BookingSystem.InventoryService.Reservations;

/// <summary>Where a reservation came from, and so whose booking id it is.</summary>
public enum ReservationOrigin
{
    /// <summary>A <c>BookingCreated</c> event: the booking service's booking; payments apply to it.</summary>
    Message,

    /// <summary>An HTTP reserve: the caller's own reservation, in the caller's own namespace; no payment applies.</summary>
    Http,
}

/// <summary>
/// The identity rule: a reservation is unique by its key, not its booking id. A booking that arrives by message is
/// keyed by its booking id; an HTTP reservation by <c>http/&lt;token subject&gt;/&lt;booking id&gt;</c>. A booking id
/// cannot contain <c>/</c>, so the two namespaces never meet: an HTTP caller can neither see, confirm, consume (a
/// waiting payment) nor block (squat) a booking of the booking service, and one user's booking ids say nothing
/// about another's. Events about an HTTP reservation name it by its key, so no consumer takes them for a booking.
/// </summary>
public static class BookingKey
{
    public const string HttpPrefix = "http/";

    /// <summary>Longest key: the prefix, a 64-character subject, a slash and a 64-character booking id.</summary>
    public const int MaxLength = 140;

    public static string Of(ReservationOrigin origin, string bookingId, string? subject) =>
        origin == ReservationOrigin.Http ? Http(subject ?? throw new ArgumentNullException(nameof(subject)), bookingId) : bookingId;

    public static string Http(string subject, string bookingId) => $"{HttpPrefix}{subject}/{bookingId}";
}
