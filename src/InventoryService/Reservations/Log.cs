namespace BookingSystem.InventoryService.Reservations;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Reserved booking {BookingId}: {LineCount} lines, hold until {ExpiresAt}")]
    public static partial void Reserved(ILogger logger, string bookingId, int lineCount, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Reservation for booking {BookingId} rejected: {ProblemLineCount} lines cannot be served")]
    public static partial void ReservationRejected(ILogger logger, string bookingId, int problemLineCount);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Reservation for booking {BookingId} moved from {From} to {To}")]
    public static partial void Transitioned(ILogger logger, string bookingId, ReservationStatus from, ReservationStatus to);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Refused to {Action} the reservation for booking {BookingId}: it is {Status}")]
    public static partial void TransitionRefused(ILogger logger, string bookingId, ReservationStatus status, ReservationAction action);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Expiry sweep released {Count} holds")]
    public static partial void Swept(ILogger logger, int count);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Expiry sweep failed; the next run retries")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Repeated {Action} for booking {BookingId} ignored: already {Status}")]
    public static partial void TransitionRepeated(ILogger logger, string bookingId, ReservationStatus status, ReservationAction action);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Payment outcome {Result} for booking {BookingId} ignored: {EarlierResult} was already received in event {EarlierEventId}")]
    public static partial void PaymentOutcomeIgnored(ILogger logger, string bookingId, PaymentResult result, PaymentResult earlierResult, string earlierEventId);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Payment outcome {Result} for booking {BookingId} arrived before the booking; remembered")]
    public static partial void PaymentOutcomeRemembered(ILogger logger, string bookingId, PaymentResult result);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Payment succeeded for booking {BookingId} whose hold is {Status} and the stock is gone; published a HoldExpired failure for a refund")]
    public static partial void RetakeFailed(ILogger logger, string bookingId, ReservationStatus status);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Payment succeeded for booking {BookingId} whose reservation was already released; published a failure for a refund")]
    public static partial void PaymentAfterRelease(ILogger logger, string bookingId);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Payment outcome for booking {BookingId} changed from {EarlierResult} to {Result}; answered")]
    public static partial void PaymentOutcomeReplaced(ILogger logger, string bookingId, PaymentResult earlierResult, PaymentResult result);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Payment outcome {Result} for booking {BookingId}, received {ReceivedAt}, waited too long for its booking; forgotten")]
    public static partial void PaymentForgotten(ILogger logger, string bookingId, PaymentResult result, DateTimeOffset receivedAt);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Reservation for booking {BookingId} refused: user {UserId} already holds {Limit} reservations")]
    public static partial void TooManyHolds(ILogger logger, string bookingId, string userId, int limit);
}
