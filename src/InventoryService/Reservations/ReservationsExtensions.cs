namespace BookingSystem.InventoryService.Reservations;

public static class ReservationsExtensions
{
    public static IHostApplicationBuilder AddReservations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReservationOptions>().BindConfiguration(ReservationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ReservationService>();
        builder.Services.AddHostedService<ExpirySweeper>();
        return builder.AddReservationConsumers();
    }
}
