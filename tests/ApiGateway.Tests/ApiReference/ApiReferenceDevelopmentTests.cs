using System.Net;
using System.Text.RegularExpressions;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace BookingSystem.ApiGateway.Tests.ApiReference;

/// <summary>
/// The Scalar API reference page as a developer opens it: through the gateway of a Development system, in a real
/// headless Chromium on a machine without internet, so the page only works if everything it needs is served locally
/// and the gateway's Content-Security-Policy lets it run.
/// </summary>
[Collection(DevelopmentEndToEndCollection.Name)]
public sealed partial class ApiReferenceDevelopmentTests(DevelopmentEndToEndSystem system, ITestOutputHelper output)
{
    /// <summary>Every operation of the document, as the page lists it (method badge aside).</summary>
    private static readonly string[] Paths =
    [
        "/api/inventory/{itemId}", "/api/inventory/check-availability", "/api/inventory/reserve", "/api/inventory/release",
        "/api/inventory/reservations/{bookingId}", "/api/inventory/items", "/api/inventory/adjustments",
        "/api/inventory/{itemId}/calendar", "/api/inventory/availability", "/api/inventory/calendar-changes",
    ];

    private static readonly string[] Summaries =
    [
        "List items with optional location and stock filters", "Reserve stock for a booking", "Create an item (admin)",
        "Read the audit trail of stock adjustments",
    ];

    private Uri Page => new(system.Gateway.BaseAddress, "/scalar/");

    [Fact]
    public async Task The_page_and_its_scripts_come_anonymously_through_the_gateway_from_the_service_not_a_CDN()
    {
        using var page = await system.Client.GetAsync(Page);
        var html = await page.Content.ReadAsStringAsync();
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups["src"].Value).ToList();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        // The gateway's page policy (route metadata) replaces its default "default-src 'none'" for this route only.
        Assert.Contains("script-src 'self' 'unsafe-inline'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.NotEmpty(scripts);
        foreach (var src in scripts)
        {
            Assert.DoesNotContain("//", src, StringComparison.Ordinal);
            using var script = await system.Client.GetAsync(new Uri(Page, src));
            Assert.True(script.StatusCode == HttpStatusCode.OK, $"{src}: {(int)script.StatusCode}");
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_reference_page_renders_every_endpoint_and_the_bearer_scheme_in_chromium_through_the_gateway()
    {
        var run = await HeadlessChromium.DumpDomAsync(Page);

        Assert.True(run.ExitCode == 0, $"chromium exited with {run.ExitCode}:{Environment.NewLine}{run.Log}");
        Assert.All(Paths.Concat(Summaries), text => Assert.Contains(text, run.Output, StringComparison.Ordinal));
        Assert.Contains("Bearer", run.Output, StringComparison.Ordinal);
        Assert.Contains("booking token --user", run.Output, StringComparison.Ordinal);
        // The document's server is "/": requests tried from the page go to the gateway, not around it to the service.
        Assert.Contains(system.Gateway.BaseAddress.ToString().TrimEnd('/'), run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($":{system.Service.Port}", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Content Security Policy", run.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_screenshot_of_the_reference_page_is_kept_as_a_test_artifact()
    {
        var path = Path.Combine(TestEnvironment.RepositoryRoot(), ".local", "artifacts", "api-reference.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);

        var run = await HeadlessChromium.ScreenshotAsync(Page, path);

        output.WriteLine($"API reference screenshot: {path}");
        Assert.True(run.ExitCode == 0, $"chromium exited with {run.ExitCode}:{Environment.NewLine}{run.Log}");
        Assert.True(File.Exists(path), $"chromium wrote no {path}:{Environment.NewLine}{run.Log}");
        // A 1280x1000 page with a line of text compresses to about 10 KB; the rendered reference to about 110 KB.
        var size = new FileInfo(path).Length;
        Assert.True(size > 30_000, $"{path} is only {size} bytes: the page probably did not render");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await File.ReadAllBytesAsync(path))[..4]);
    }

    [GeneratedRegex("""<script[^>]*\ssrc="(?<src>[^"]+)""")]
    private static partial Regex ScriptSource();
}
