namespace BookingSystem.InventoryService.Reservations;

public static class ReservationsExtensions
{
    public static IHostApplicationBuilder AddReservations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReservationOptions>().BindConfiguration(ReservationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ReservationService>();
        builder.Services.AddScoped<ReservationRules>();
        builder.Services.AddScoped<PaymentRules>();
        builder.Services.AddHostedService<ExpirySweeper>();
        return builder;
    }
}
