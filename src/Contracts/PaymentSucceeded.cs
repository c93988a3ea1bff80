namespace BookingSystem.Contracts;

public sealed record PaymentSucceeded(string BookingId, string? PaymentId = null, decimal? Amount = null, string? Currency = null);
