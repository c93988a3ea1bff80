namespace BookingSystem.Contracts;

public sealed record PaymentFailed(string BookingId, string? PaymentId = null, string? Reason = null);
