using System.Text.RegularExpressions;

namespace BookingSystem.InventoryService.Validation;

/// <summary>Rules for the external keys we accept: item ids, booking ids, correlation ids.</summary>
public static partial class Identifiers
{
    public const int MaxLength = 64;

    public static bool IsValid(string? value) => value is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(value);

    public static string Describe(string field) =>
        $"{field} must be 1-{MaxLength} characters: letters, digits and . _ : - (starting with a letter or digit).";

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._:-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
