using BookingSystem.ApiGateway;
using BookingSystem.ApiGateway.Health;
using BookingSystem.ApiGateway.Limits;
using BookingSystem.ApiGateway.Proxy;
using BookingSystem.ApiGateway.Security;
using BookingSystem.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway");
builder.AddGatewayHosting();
builder.AddGatewaySecurity();
builder.AddGatewayLimits();
builder.AddGatewayProxy();

var app = builder.Build();
app.UseGatewayPipeline();
app.MapGatewayHealth();
app.MapGatewayProxy();
await app.RunAsync();
