using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Observability;

/// <summary>Seq down or unreachable must cost nothing: the service serves, consumes and stops as without it.</summary>
public sealed class SeqAwayTests : IAsyncLifetime
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private ObservedSystem _system = null!;

    public async Task InitializeAsync() => _system = await ObservedSystem.StartAsync($"http://127.0.0.1:{TestEnvironment.FreePort()}");

    public async Task DisposeAsync()
    {
        await _system.DisposeAsync();
        _client.Dispose();
    }

    [Fact]
    public async Task With_Seq_on_a_closed_port_the_service_serves_consumes_and_shuts_down_promptly()
    {
        var itemId = "AWAY-" + EventProbe.NewId()[..12];
        using (var create = new HttpRequestMessage(HttpMethod.Post, new Uri(_system.Gateway.BaseAddress, "/api/inventory/items")))
        {
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _system.AdminToken());
            create.Content = System.Net.Http.Json.JsonContent.Create(new { itemId, name = "Room", total = 10 }, options: Http.Json);
            using var created = await _client.SendAsync(create);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var bookingId = "away-" + EventProbe.NewId();
        await _system.Probe.BookingCreatedAsync(bookingId, itemId);
        var reserved = await _system.Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId, TimeSpan.FromSeconds(20));
        using var item = await _client.GetAsync(new Uri(_system.Gateway.BaseAddress, $"/api/inventory/{itemId}"));

        var stopwatch = Stopwatch.StartNew();
        var exitCode = await _system.Service.TerminateAsync(TimeSpan.FromSeconds(15));
        stopwatch.Stop();

        Assert.Equal(bookingId, reserved.BookingId);
        Assert.Equal(HttpStatusCode.OK, item.StatusCode);
        Assert.True(exitCode == 0, $"the service did not stop within 15 s of SIGTERM (exit code {exitCode?.ToString() ?? "none"}):\n{_system.Service.Output}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopwatch.Elapsed.TotalSeconds:0.0} s");
    }
}
