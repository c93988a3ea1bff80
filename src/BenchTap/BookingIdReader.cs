using System.Text.Json;

namespace BookingSystem.BenchTap;

/// <summary>
/// The booking a platform event is about: <c>data.bookingId</c> of its JSON envelope, read with
/// <see cref="Utf8JsonReader"/> (no contract types: the tap must not share the bench's reading of the messages).
/// </summary>
public static class BookingIdReader
{
    private static ReadOnlySpan<byte> Data => "data"u8;

    private static ReadOnlySpan<byte> BookingId => "bookingId"u8;

    /// <returns>The id, or null when the body is not JSON or has no string <c>data.bookingId</c>.</returns>
    public static string? Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            return FindData(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? FindData(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isData = reader.ValueTextEquals(Data);
            reader.Read();
            if (isData && reader.TokenType == JsonTokenType.StartObject)
            {
                return FindBookingId(ref reader);
            }

            reader.Skip();
        }

        return null;
    }

    private static string? FindBookingId(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isBookingId = reader.ValueTextEquals(BookingId);
            reader.Read();
            if (isBookingId)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }

        return null;
    }
}
