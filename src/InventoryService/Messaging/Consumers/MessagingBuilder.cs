using BookingSystem.Contracts;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>
/// What <see cref="MessagingExtensions.AddMessaging"/> returns: where a feature adds its consumers. With the broker
/// switched off (<see cref="RabbitMqOptions.Enabled"/>) the handlers are registered but no consumer runs.
/// </summary>
public sealed class MessagingBuilder(IHostApplicationBuilder host, bool brokerEnabled)
{
    /// <summary>
    /// Consumes <paramref name="queue"/> (declared with its DLQ and bound to its event's routing key) with a hosted
    /// <see cref="ConsumerHost{TEvent, TCommand, THandler}"/>; <typeparamref name="THandler"/> is resolved from each
    /// batch's scope.
    /// </summary>
    public MessagingBuilder AddConsumer<TEvent, TCommand, THandler>(ConsumerQueue<TEvent> queue)
        where TEvent : class
        where THandler : class, IEventHandler<TEvent, TCommand>
    {
        host.Services.TryAddScoped<THandler>();
        if (brokerEnabled)
        {
            host.Services.AddSingleton<IHostedService>(services =>
                ActivatorUtilities.CreateInstance<ConsumerHost<TEvent, TCommand, THandler>>(services, queue));
        }

        return this;
    }
}
