namespace BookingSystem.InventoryService.Validation;

/// <summary>Field errors keyed like the JSON paths a client sent (camelCase), ready for a ValidationProblem.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public bool Has(string field) => _errors.ContainsKey(field);

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

    /// <summary>Free text: optional unless <paramref name="required"/>, at most <paramref name="maxLength"/>, no control characters.</summary>
    public void CheckText(string field, string? value, int maxLength, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required || value is not null)
            {
                Add(field, $"{field} must be 1-{maxLength} characters.");
            }
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"{field} must be at most {maxLength} characters.");
        }
        else if (value.Any(char.IsControl))
        {
            Add(field, $"{field} must not contain control characters.");
        }
    }

    public IDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public string Summarize() => string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
