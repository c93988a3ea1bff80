using System.Text;

namespace BookingSystem.InventoryService.Observability;

/// <summary>Text from outside (AMQP properties and headers) made safe for a log property: no control characters, bounded length.</summary>
public static class LogText
{
    public const int MaxLength = 200;

    public static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = new StringBuilder(Math.Min(value.Length, MaxLength + 1));
        foreach (var c in value.Length > MaxLength ? value[..MaxLength] : value)
        {
            text.Append(char.IsControl(c) ? '?' : c);
        }

        return value.Length > MaxLength ? text.Append('…').ToString() : text.ToString();
    }
}
