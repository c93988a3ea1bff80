using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Reservations;

namespace BookingSystem.InventoryService.Messaging;

public static class MessagingExtensions
{
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddScoped<Outbox>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<MessageRetention>();
        builder.Services.AddHealthChecks().AddCheck<OutboxBacklogHealthCheck>("outbox", tags: [DatabaseHealthCheck.ReadyTag]);

        var rabbit = builder.Configuration.GetSection(RabbitMqOptions.SectionName).Get<RabbitMqOptions>() ?? new RabbitMqOptions();
        if (!rabbit.Enabled)
        {
            return builder;
        }

        foreach (var purpose in new[] { RabbitMqConnection.ConsumePurpose, RabbitMqConnection.PublishPurpose })
        {
            builder.Services.AddKeyedSingleton(purpose, (services, _) => ActivatorUtilities.CreateInstance<RabbitMqConnection>(services, purpose));
        }

        builder.Services.AddSingleton<BrokerTopology>();
        builder.Services.AddSingleton<ConsumerStatus>();
        builder.Services.AddSingleton<ConsumerDependencies>();
        // Hosted services stop in reverse order: the dispatcher, registered first, stops last, so it still
        // publishes what the consumers' last in-flight messages wrote.
        if (builder.Configuration.GetSection(OutboxOptions.SectionName).Get<OutboxOptions>()?.DispatcherEnabled ?? true)
        {
            builder.Services.AddHostedService<OutboxDispatcher>();
        }

        builder.Services.AddHostedService<BookingCreatedConsumer>();
        builder.Services.AddHostedService<PaymentSucceededConsumer>();
        builder.Services.AddHostedService<PaymentFailedConsumer>();
        builder.Services.AddHealthChecks()
            .AddCheck<BrokerHealthCheck>("rabbitmq", tags: [DatabaseHealthCheck.ReadyTag])
            .AddCheck<ConsumersHealthCheck>("consumers", tags: [DatabaseHealthCheck.ReadyTag]);
        return builder;
    }
}
