namespace BookingSystem.InventoryService.Validation;

/// <summary>Field errors keyed like the JSON paths a client sent (camelCase), ready for a ValidationProblem.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public void RequireIdentifier(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            Add(field, $"{field} is required.");
        }
        else if (!Identifiers.IsValid(value))
        {
            Add(field, Identifiers.Describe(field));
        }
    }

    public void RequireRange(string field, int? value, int min, int max)
    {
        if (value is null)
        {
            Add(field, $"{field} is required.");
        }
        else if (value < min || value > max)
        {
            Add(field, $"{field} must be between {min} and {max}.");
        }
    }

    public IDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public string Summarize() => string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
