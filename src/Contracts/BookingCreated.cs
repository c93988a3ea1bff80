namespace BookingSystem.Contracts;

/// <summary>
/// A booking wants stock. Either <see cref="Items"/> or the single-item shorthand
/// (<see cref="ItemId"/> or <see cref="RoomId"/>, with <see cref="Quantity"/> defaulting to 1, and for a nightly
/// item <see cref="CheckIn"/>/<see cref="CheckOut"/>).
/// </summary>
public sealed record BookingCreated(
    string BookingId,
    string? UserId = null,
    IReadOnlyList<BookingLine>? Items = null,
    string? ItemId = null,
    string? RoomId = null,
    int? Quantity = null,
    decimal? Amount = null,
    string? Currency = null,
    int? HoldMinutes = null,
    DateOnly? CheckIn = null,
    DateOnly? CheckOut = null);
