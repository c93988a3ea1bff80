using System.Diagnostics;
using System.Net;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Proxy;

[Collection(EndToEndCollection.Name)]
public sealed class DestinationDownTests(EndToEndSystem system)
{
    [Fact]
    public async Task A_destination_that_is_down_gets_a_quick_502_or_503_problem_details()
    {
        var clock = Stopwatch.StartNew();
        using var response = await system.SendAsync(system.OrphanGateway, HttpMethod.Get, "/api/inventory", Credential.None);
        clock.Stop();

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_the_health_probe_marks_the_destination_unhealthy_health_says_so_and_requests_get_503()
    {
        var report = await WaitForUnhealthyAsync(system.OrphanGateway, TimeSpan.FromSeconds(15));
        using var response = await system.SendAsync(system.OrphanGateway, HttpMethod.Get, "/api/inventory", Credential.None);

        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var destination = Assert.Single(report.GetProperty("clusters")[0].GetProperty("destinations").EnumerateArray());
        Assert.Equal("Unhealthy", destination.GetProperty("active").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Health_reports_the_gateway_and_a_healthy_destination()
    {
        using var response = await system.Client.GetAsync(new Uri(system.Gateway.BaseAddress, "/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJsonAsync();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var cluster = Assert.Single(report.GetProperty("clusters").EnumerateArray());
        Assert.Equal("inventory", cluster.GetProperty("clusterId").GetString());
        Assert.Equal("Healthy", Assert.Single(cluster.GetProperty("destinations").EnumerateArray()).GetProperty("active").GetString());
    }

    private async Task<System.Text.Json.JsonElement> WaitForUnhealthyAsync(AppProcess gateway, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await system.Client.GetAsync(new Uri(gateway.BaseAddress, "/health"));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return await response.ReadJsonAsync();
            }

            await Task.Delay(200);
        }
    }
}
