namespace BookingSystem.ApiGateway.Tests.Infrastructure;

/// <summary>What a test request carries in its Authorization header.</summary>
public enum Credential
{
    None,

    /// <summary>Expired five minutes ago: well beyond the 30 s clock skew.</summary>
    Expired,

    /// <summary>Signed with a key other than the configured one (and claims the admin role).</summary>
    WrongSignature,

    /// <summary>Issued for another API (and claims the admin role).</summary>
    WrongAudience,

    /// <summary>From an issuer nobody trusts (and claims the admin role).</summary>
    WrongIssuer,

    /// <summary>A valid token without roles.</summary>
    User,

    /// <summary>A valid token with the inventory-admin role.</summary>
    Admin,
}
