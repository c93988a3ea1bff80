using System.Net.Http.Json;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>Reads the item list through the anonymous <c>GET /api/inventory</c> (the gateway's, or the service's directly).</summary>
public sealed class InventoryApi(HttpClient http) : IDisposable
{
    public const int PageSize = 100;

    public Uri? BaseAddress => http.BaseAddress;

    /// <param name="baseAddress">The gateway or the service, e.g. http://127.0.0.1:5000 (any path is replaced).</param>
    public static InventoryApi Create(Uri baseAddress) =>
        new(new HttpClient { BaseAddress = new Uri(baseAddress, "/"), Timeout = TimeSpan.FromSeconds(15) });

    /// <summary>Every item, page by page.</summary>
    public async Task<IReadOnlyDictionary<string, StockItem>> ListAllAsync(CancellationToken ct)
    {
        var items = new Dictionary<string, StockItem>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            using var response = await http.GetAsync(new Uri($"api/inventory?pageSize={PageSize}&page={page}", UriKind.Relative), ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {new Uri(http.BaseAddress!, "api/inventory")} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
            }

            var body = await response.Content.ReadFromJsonAsync<ItemPage>(ct) ?? throw new HttpRequestException("The item list is empty JSON.");
            foreach (var item in body.Items)
            {
                items[item.ItemId] = item;
            }

            if (body.Items.Count < PageSize || items.Count >= body.TotalCount)
            {
                return items;
            }
        }
    }

    public void Dispose() => http.Dispose();

    private sealed record ItemPage(IReadOnlyList<StockItem> Items, int TotalCount);
}
