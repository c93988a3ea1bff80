using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingSystem.Security;

/// <summary>The one definition of what a valid token is, and how development tokens are made.</summary>
public static class BookingTokens
{
    /// <summary>Claim that carries the caller's roles (an array when there are several).</summary>
    public const string RolesClaim = "roles";

    public static TokenValidationParameters ValidationParameters(JwtOptions options) => new()
    {
        ValidateIssuer = true,
        ValidIssuer = options.Issuer,
        ValidateAudience = true,
        ValidAudience = options.Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = options.ClockSkew,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        // With an authority the keys (and their algorithms) come from its metadata document.
        IssuerSigningKey = options.UsesAuthority ? null : SigningKey(options.SigningKey!),
        ValidAlgorithms = options.UsesAuthority ? null : [SecurityAlgorithms.HmacSha256],
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = RolesClaim,
    };

    public static SymmetricSecurityKey SigningKey(string secret) => new(Encoding.UTF8.GetBytes(secret));

    /// <summary>
    /// A token for <paramref name="subject"/>, valid from <paramref name="notBefore"/> until <paramref name="expires"/>,
    /// signed with <see cref="JwtOptions.SigningKey"/>. For development and tests: production tokens come from the
    /// OIDC provider.
    /// </summary>
    public static string Create(JwtOptions options, string subject, IEnumerable<string> roles, DateTimeOffset notBefore, DateTimeOffset expires)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentException.ThrowIfNullOrEmpty(options.SigningKey);
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        var roleList = roles.ToArray();
        if (roleList.Length > 0)
        {
            claims[RolesClaim] = roleList;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = claims,
            IssuedAt = notBefore.UtcDateTime,
            NotBefore = notBefore.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey(options.SigningKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The subject of an authenticated caller (<c>sub</c>), or null.</summary>
    public static string? Subject(ClaimsPrincipal user) => user.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;

    /// <summary>Longest subject we accept (it is stored as the reservation's user id).</summary>
    public const int MaxSubjectLength = 64;

    /// <summary>A subject we can record and show: 1-64 characters, no whitespace or control characters.</summary>
    public static bool IsValidSubject(string? subject) =>
        subject is { Length: > 0 and <= MaxSubjectLength } && !subject.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));
}
