using BookingSystem.InventoryService.Reservations;
using System.Security.Cryptography;
using BookingSystem.Security;

namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>
/// The service validates bearer tokens on its user and admin endpoints. Hosted services in these tests get this
/// run's signing key, and the clients they create carry an admin token by default (see InventoryApiFactory).
/// </summary>
public static class TestTokens
{
    public const string AdminSubject = "test-admin";

    public static string SigningKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>An admin token valid whatever time the test's clock shows (the service's clock may be fake).</summary>
    public static string Admin() => For(AdminSubject, [InventoryPolicies.AdminRole]);

    /// <summary>A plain user's token.</summary>
    /// <summary>The key of a reservation the admin client made over HTTP (reservations are keyed per origin: BookingKey).</summary>
    public static string AdminKey(string bookingId) => BookingKey.Http(AdminSubject, bookingId);

    public static string User(string subject) => For(subject, []);

    private static string For(string subject, string[] roles) => BookingTokens.Create(
        new JwtOptions { Issuer = JwtOptions.DevelopmentIssuer, Audience = JwtOptions.DevelopmentAudience, SigningKey = SigningKey },
        subject,
        roles,
        new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
}
