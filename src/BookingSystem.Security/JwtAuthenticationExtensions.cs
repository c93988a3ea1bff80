using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BookingSystem.Security;

public static class JwtAuthenticationExtensions
{
    /// <summary>
    /// JWT bearer authentication from the <c>Jwt</c> section: a symmetric development key, or an OIDC authority.
    /// A configuration that could validate no token, or outside Development one with the public development key,
    /// stops the process here, before it touches anything else.
    /// </summary>
    public static IHostApplicationBuilder AddBookingJwtAuthentication(this IHostApplicationBuilder builder)
    {
        (builder.Configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions())
            .EnsureValid(development: builder.Environment.IsDevelopment());
        builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwt) => Apply(bearer, jwt.Value));
        return builder;
    }

    private static void Apply(JwtBearerOptions bearer, JwtOptions jwt)
    {
        // Keep "sub" and "roles" as issued instead of mapping them to long WS-Federation claim types.
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = BookingTokens.ValidationParameters(jwt);
        // Every caller must be someone: audit rows and reservations record the subject, so a token without a
        // usable one (missing, empty, too long, control characters) is refused like a bad signature.
        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (!BookingTokens.IsValidSubject(context.Principal?.FindFirst(System.IdentityModel.Tokens.Jwt.JwtRegisteredClaimNames.Sub)?.Value))
                {
                    context.Fail("The token's sub claim is missing or not a valid subject.");
                }

                return Task.CompletedTask;
            },
        };
        if (jwt.UsesAuthority)
        {
            bearer.Authority = jwt.Authority;
            if (!string.IsNullOrWhiteSpace(jwt.MetadataAddress))
            {
                bearer.MetadataAddress = jwt.MetadataAddress;
            }

            bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        }
    }
}
