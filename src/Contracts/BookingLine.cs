namespace BookingSystem.Contracts;

public sealed record BookingLine(string ItemId, int Quantity);
