using System.Diagnostics;
using System.Net;
using BookingSystem.Cli.Bench;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class ReadLoadTests
{
    private static readonly DateOnly Today = new(2027, 3, 1);
    private static readonly StayShape Year = new(Nights: 365, StayNightsMax: 7, ArrivalDays: 180);

    [Fact]
    public void The_calendar_reads_all_nights_of_the_items_in_turn_and_the_search_a_three_night_stay_of_one_unit()
    {
        var kinds = ReadLoad.Nightly(["svc-000001", "svc-000002"], Today, Year);

        var (calendar, search) = (kinds.Single(k => k.Name == "calendar"), kinds.Single(k => k.Name == "search"));
        Assert.Equal("api/inventory/svc-000001/calendar?from=2027-03-01&to=2028-02-29", calendar.Path(0));
        Assert.Equal("api/inventory/svc-000002/calendar?from=2027-03-01&to=2028-02-29", calendar.Path(1));
        Assert.Equal("api/inventory/svc-000001/calendar?from=2027-03-01&to=2028-02-29", calendar.Path(2));
        Assert.Equal("api/inventory/availability?checkIn=2027-03-02&checkOut=2027-03-05&quantity=1", search.Path(0));
        Assert.Equal("api/inventory/availability?checkIn=2027-03-02&checkOut=2027-03-05&quantity=1", search.Path(180));
        Assert.Equal(("365 nights of one item", 20d), (calendar.What, calendar.TargetP99Ms));
        Assert.Equal(("a 3-night stay over the 2 items", 50d), (search.What, search.TargetP99Ms));
    }

    [Fact]
    public async Task Reads_go_at_a_steady_rate_until_stopped_and_a_failed_one_is_counted_not_measured()
    {
        var answering = new Answering(path => path.Contains("/calendar", StringComparison.Ordinal)
            ? HttpStatusCode.OK
            : HttpStatusCode.ServiceUnavailable);
        using var http = new HttpClient(answering) { BaseAddress = new Uri("http://localhost/") };
        var load = new ReadLoad(http, ReadLoad.Nightly(["svc-000001"], Today, Year), rate: 20, TimeProvider.System);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var started = Stopwatch.GetTimestamp();

        var results = await load.RunAsync(stop.Token);

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (calendar, search) = (results.Single(r => r.Name == "calendar"), results.Single(r => r.Name == "search"));
        // One read at once, then one every 50 ms: never a burst above the rate, however late the loop ran.
        Assert.InRange(calendar.Requests, 1, (20 * seconds) + 1);
        Assert.Equal((0, calendar.Requests), (calendar.Failed, calendar.Latency.Count));
        Assert.Equal((search.Requests, 0, false), (search.Failed, search.Latency.Count, search.TargetMet));
        Assert.StartsWith("503 Service Unavailable for api/inventory/availability?", search.FirstFailure,
            StringComparison.Ordinal);
        Assert.Contains("search (a 3-night stay over the 1 items) at 20/s: ", search.Describe(),
            StringComparison.Ordinal);
        Assert.Contains("(target p99 <= 50 ms: not met); failed ", search.Describe(), StringComparison.Ordinal);
    }

    /// <summary>Answers every request at once with the status its path gets.</summary>
    private sealed class Answering(Func<string, HttpStatusCode> status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            Task.FromResult(new HttpResponseMessage(status(request.RequestUri!.PathAndQuery))
            {
                Content = new StringContent("{}"),
            });
    }
}
