using BookingSystem.InventoryService.Api;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Observability;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;
using BookingSystem.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("inventory");
builder.AddInventoryObservability();
builder.AddInventoryData();
builder.AddMessaging() // before the features: their consumers stop before the outbox dispatcher
    .AddReservationConsumers();
builder.AddStock();
builder.AddReservations();
builder.AddInventoryApi();
builder.AddInventoryAuth();

var app = builder.Build();
await app.InitializeDatabaseAsync();
await app.SeedStockAsync();
app.UseInventoryApi();
app.MapInventoryApi();
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
