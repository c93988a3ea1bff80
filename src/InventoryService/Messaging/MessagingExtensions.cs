using BookingSystem.InventoryService.Messaging.Consumers;
using BookingSystem.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// The broker connections, outbox and dispatcher, inbox retention and messaging health; returns the builder the
    /// features add their consumers to. Call before the features: hosted services stop in reverse order, so the
    /// dispatcher stops after the consumers and still publishes what their last in-flight messages wrote.
    /// </summary>
    public static MessagingBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxLeaseValidation>();
        builder.Services.AddOptions<FaultOptions>().BindConfiguration(FaultOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CrashPoints>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddScoped<Outbox>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<MessageRetention>();
        builder.Services.AddHealthChecks().AddCheck<OutboxBacklogHealthCheck>("outbox", tags: [HealthTags.Messaging]);

        builder.Services.AddScoped<UnitOfWork>();
        var broker = builder.Configuration.GetSection(RabbitMqOptions.SectionName).Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        if (!broker.Enabled)
        {
            return new MessagingBuilder(builder, brokerEnabled: false);
        }

        foreach (var endpoint in broker.BrokerEndpoints())
        {
            DevelopmentPasswords.EnsureNotPublic(builder.Environment, "RabbitMq:Password", endpoint.HostName, broker.Password);
        }

        foreach (var purpose in new[] { RabbitMqConnection.ConsumePurpose, RabbitMqConnection.PublishPurpose })
        {
            builder.Services.AddKeyedSingleton(purpose, (services, _) => ActivatorUtilities.CreateInstance<RabbitMqConnection>(services, purpose));
        }

        builder.Services.AddSingleton<BrokerTopology>();
        builder.Services.AddSingleton<ConsumerStatus>();
        builder.Services.AddSingleton<ConsumerDependencies>();
        builder.Services.AddHostedService<MessagingMonitor>();
        if (builder.Configuration.GetSection(OutboxOptions.SectionName).Get<OutboxOptions>()?.DispatcherEnabled ?? true)
        {
            builder.Services.AddHostedService<OutboxDispatcher>();
        }

        builder.Services.AddHealthChecks()
            .AddCheck<BrokerHealthCheck>("rabbitmq", tags: [HealthTags.Messaging])
            .AddCheck<ConsumersHealthCheck>("consumers", tags: [HealthTags.Messaging]);
        return new MessagingBuilder(builder, brokerEnabled: true);
    }

    /// <summary>
    /// <c>/health/messaging</c>: broker connections, consumers and the outbox backlog, for monitoring and alerts. Not
    /// readiness (<c>/health/ready</c> is the database only), so a broker outage does not take the HTTP API down.
    /// </summary>
    public static IEndpointRouteBuilder MapMessagingHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthReport("/health/messaging", HealthTags.Messaging);
        return endpoints;
    }
}
