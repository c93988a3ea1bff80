using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace BookingSystem.Security;

/// <summary>
/// How bearer tokens are validated (the <c>Jwt</c> configuration section). The gateway, the InventoryService and
/// the CLI read the same names, so a token minted with one key and issuer is accepted in both places.
/// </summary>
public sealed class JwtOptions : IValidatableObject
{
    public const string SectionName = "Jwt";

    /// <summary>Issuer and audience of development tokens (appsettings.json of both services, and the CLI's defaults).</summary>
    public const string DevelopmentIssuer = "booking-system-dev";

    public const string DevelopmentAudience = "inventory-api";

    /// <summary>HMAC-SHA256 wants a key at least as long as its output: 256 bits.</summary>
    public const int MinimumSigningKeyBytes = 32;

    [Required]
    public string Issuer { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    /// <summary>Symmetric development key, UTF-8, at least 32 bytes. Never in appsettings.json: environment <c>Jwt__SigningKey</c>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OIDC provider for production; when set, its published keys replace <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>The provider's discovery document, when it is not at <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    public bool RequireHttpsMetadata { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool UsesAuthority => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>
    /// SHA-256 (hex) of the development signing key in the repository's <c>.env</c>: public, so it must never
    /// protect anything real. Change it together with <c>JWT_SIGNING_KEY</c> in <c>.env</c> (a test starts both
    /// programs in Production with that key and expects them to refuse).
    /// </summary>
    public const string DevelopmentKeyFingerprint = "65fd98c00aae584b1ac1257ccc135b22e9db32d7d150fff4ad221162757718a3";

    /// <summary>The configured key is the public one from <c>.env</c>.</summary>
    public bool UsesDevelopmentKey =>
        !UsesAuthority && !string.IsNullOrEmpty(SigningKey)
        && Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SigningKey))) == DevelopmentKeyFingerprint;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesAuthority)
        {
            yield break;
        }

        if (string.IsNullOrEmpty(SigningKey))
        {
            yield return new ValidationResult(
                "Jwt:SigningKey is not set and no Jwt:Authority is configured, so no token could be validated. " +
                "Set the environment variable Jwt__SigningKey to a secret of at least 32 bytes (eng/run.sh and docker-compose.yml " +
                "pass JWT_SIGNING_KEY from .env), or Jwt__Authority to an OIDC provider.",
                [nameof(SigningKey)]);
        }
        else if (Encoding.UTF8.GetByteCount(SigningKey) < MinimumSigningKeyBytes)
        {
            yield return new ValidationResult(
                $"Jwt:SigningKey is {Encoding.UTF8.GetByteCount(SigningKey)} bytes; it must be at least {MinimumSigningKeyBytes} bytes (256 bits).",
                [nameof(SigningKey)]);
        }
    }

    /// <summary>
    /// Throws with every problem named, for callers that must stop before doing anything else. Outside Development
    /// (<paramref name="development"/> false) the public development key is one of the problems.
    /// </summary>
    public void EnsureValid(bool development = true)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        if (!development && UsesDevelopmentKey)
        {
            results.Add(new ValidationResult(
                "Jwt:SigningKey is the public development key from the repository's .env; outside Development set a secret " +
                "of your own (environment Jwt__SigningKey, or JWT_SIGNING_KEY for docker compose) or use Jwt:Authority."));
        }

        if (results.Count > 0)
        {
            throw new InvalidOperationException("Invalid JWT configuration: " + string.Join(" ", results.Select(r => r.ErrorMessage)));
        }
    }
}
