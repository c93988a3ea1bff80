using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BookingSystem.Cli.Messaging;

namespace BookingSystem.Cli.Commands;

/// <summary>
/// Validators the verbs share: a value within bounds, a share between 0 and 1, an ISO date, a custom parse that failed.
/// </summary>
public static class OptionRules
{
    public static Option<int> Ranged(Option<int> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < min || result.GetValueOrDefault<int>() > max)
            {
                result.AddError($"{option.Name} must be between {min} and {max}.");
            }
        });
        return option;
    }

    public static Option<double> Rate(Option<double> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or > 1 or double.NaN)
            {
                result.AddError($"{option.Name} must be between 0 and 1.");
            }
        });
        return option;
    }

    /// <summary>Accepts exactly <c>yyyy-MM-dd</c> (the wire format of a stay's dates), nothing looser.</summary>
    public static Option<DateOnly?> IsoDate(Option<DateOnly?> option)
    {
        option.CustomParser = result =>
            DateOnly.TryParseExact(result.Tokens[0].Value, LineText.DateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var date)
                ? date
                : Invalid<DateOnly?>(result,
                    $"{option.Name} must be an ISO date ({LineText.DateFormat}), not '{result.Tokens[0].Value}'.");
        option.HelpName = LineText.DateFormat;
        return option;
    }

    public static T Invalid<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
