using BookingSystem.InventoryService.Api;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddBookingConsoleLogging("inventory");
builder.AddInventoryData();
builder.AddReservations();
builder.AddMessaging();
builder.AddInventoryApi();
builder.AddInventoryAuth();

var app = builder.Build();
await app.InitializeDatabaseAsync();
app.UseInventoryApi();
app.MapInventoryApi();
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
