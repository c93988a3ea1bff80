using System.Collections.Concurrent;
using System.Net.Http.Json;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>
/// Reads the item list through the anonymous <c>GET /api/inventory</c>, and nightly items' nights through
/// <c>GET /api/inventory/{itemId}/calendar</c> (the gateway's, or the service's directly).
/// </summary>
public sealed class InventoryApi(HttpClient http) : IDisposable
{
    public const int PageSize = 100;

    /// <summary>Calendars read at once (one request per item).</summary>
    private const int CalendarReads = 8;

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
            var body = await GetAsync<ItemPage>($"api/inventory?pageSize={PageSize}&page={page}", ct);
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

    /// <summary>
    /// Held + confirmed of each night in <c>[from, to)</c> that the nightly items have on sale, one counter per night.
    /// </summary>
    public async Task<IReadOnlyDictionary<CounterKey, int>> ReadNightsAsync(
        IEnumerable<string> itemIds, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var nights = new ConcurrentDictionary<CounterKey, int>();
        var range = $"from={LineText.Date(from)}&to={LineText.Date(to)}";
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = CalendarReads, CancellationToken = ct };
        await Parallel.ForEachAsync(itemIds, parallel, async (itemId, token) =>
            {
                var path = $"api/inventory/{Uri.EscapeDataString(itemId)}/calendar?{range}";
                var calendar = await GetAsync<CalendarPage>(path, token);
                foreach (var night in calendar.Nights)
                {
                    nights[new CounterKey(itemId, night.Date)] = night.Held + night.Confirmed;
                }
            });
        return nights;
    }

    public void Dispose() => http.Dispose();

    private async Task<T> GetAsync<T>(string relative, CancellationToken ct)
    {
        var uri = new Uri(relative, UriKind.Relative);
        using var response = await http.GetAsync(uri, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"GET {new Uri(http.BaseAddress!, uri)} answered {(int)response.StatusCode} {response.ReasonPhrase}.",
                null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync<T>(ct)
            ?? throw new HttpRequestException($"GET {new Uri(http.BaseAddress!, uri)} answered JSON null.");
    }

    private sealed record ItemPage(IReadOnlyList<StockItem> Items, int TotalCount);

    private sealed record CalendarPage(IReadOnlyList<CalendarNight> Nights);

    private sealed record CalendarNight(DateOnly Date, int Held, int Confirmed);
}
