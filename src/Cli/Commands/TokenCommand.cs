using System.CommandLine;
using BookingSystem.Security;

namespace BookingSystem.Cli.Commands;

/// <summary>
/// <c>booking token --user alice [--admin] [--minutes 60]</c>: prints a development JWT signed with the key the
/// gateway and the service are configured with (<c>Jwt__SigningKey</c>, <c>JWT_SIGNING_KEY</c>, or the repository's
/// <c>.env</c>), so it can be used as <c>Authorization: Bearer $(booking token --user alice)</c>.
/// </summary>
public static class TokenCommand
{
    public const int MaxMinutes = 24 * 60;

    /// <summary>The longest subject the service keys a user's reservations by.</summary>
    public const int MaxSubjectLength = 64;

    public static Command Create()
    {
        var user = new Option<string>("--user")
        {
            Description = $"The token's subject (sub claim): 1-{MaxSubjectLength} characters, no spaces.",
            Required = true,
        };
        user.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is not { Length: > 0 and <= MaxSubjectLength } subject
                || subject.Any(char.IsWhiteSpace))
            {
                result.AddError($"--user must be 1-{MaxSubjectLength} characters without spaces.");
            }
        });
        var admin = new Option<bool>("--admin") { Description = $"Add the {InventoryPolicies.AdminRole} role." };
        var minutes = new Option<int>("--minutes") { Description = $"Lifetime in minutes (1-{MaxMinutes}).", DefaultValueFactory = _ => 60 };
        minutes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > MaxMinutes)
            {
                result.AddError($"--minutes must be between 1 and {MaxMinutes}.");
            }
        });

        var command = new Command("token", "Print a development JWT for a user or an admin.") { user, admin, minutes };
        command.SetAction(parse =>
        {
            var settings = DevelopmentSettings.Load();
            var options = new JwtOptions
            {
                SigningKey = settings.Get("Jwt__SigningKey", "JWT_SIGNING_KEY"),
                Issuer = settings.Get("Jwt__Issuer", "JWT_ISSUER") ?? JwtOptions.DevelopmentIssuer,
                Audience = settings.Get("Jwt__Audience", "JWT_AUDIENCE") ?? JwtOptions.DevelopmentAudience,
            };
            try
            {
                options.EnsureValid();
            }
            catch (InvalidOperationException e)
            {
                parse.InvocationConfiguration.Error.WriteLine(e.Message + (settings.DotEnvPath is null ? " (no .env found)" : $" (read {settings.DotEnvPath})"));
                return 1;
            }

            var now = DateTimeOffset.UtcNow;
            string[] roles = parse.GetValue(admin) ? [InventoryPolicies.AdminRole] : [];
            var token = BookingTokens.Create(options, parse.GetValue(user)!, roles, now, now.AddMinutes(parse.GetValue(minutes)));
            parse.InvocationConfiguration.Output.WriteLine(token);
            return 0;
        });
        return command;
    }
}
