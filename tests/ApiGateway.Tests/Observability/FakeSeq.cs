using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Observability;

/// <summary>One request the fake Seq received.</summary>
public sealed record SeqRequest(string Path, string? ApiKey, string? ContentType, byte[] Body);

/// <summary>
/// Stands in for Seq (which needs Docker): an HTTP listener on a free loopback port that accepts what Seq's ingestion
/// API accepts — CLEF log events (newline-delimited JSON, <c>/ingest/clef</c> or the older <c>/api/events/raw</c>)
/// and OTLP/HTTP protobuf traces (<c>/ingest/otlp/v1/traces</c>) — answers as Seq does, and keeps everything.
/// </summary>
public sealed class FakeSeq : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<SeqRequest> _requests = new();
    private readonly Task _loop;

    public FakeSeq()
    {
        Port = TestEnvironment.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public string ServerUrl => $"http://127.0.0.1:{Port}";

    public IReadOnlyCollection<SeqRequest> Requests => _requests;

    /// <summary>Every CLEF log event received so far.</summary>
    public IReadOnlyList<JsonElement> LogEvents() =>
        _requests.Where(IsClef)
            .SelectMany(r => Encoding.UTF8.GetString(r.Body).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();

    /// <summary>Every span received so far over OTLP.</summary>
    public IReadOnlyList<OtlpSpan> Spans() =>
        _requests.Where(r => r.Path.EndsWith("/v1/traces", StringComparison.Ordinal)).SelectMany(r => OtlpSpan.Parse(r.Body)).ToList();

    public static bool IsClef(SeqRequest request) =>
        request.Path.StartsWith("/ingest/clef", StringComparison.Ordinal) || request.Path.StartsWith("/api/events/raw", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var request = new SeqRequest(context.Request.Url!.AbsolutePath, context.Request.Headers["X-Seq-ApiKey"],
                context.Request.ContentType, body.ToArray());
            _requests.Enqueue(request);
            // Seq answers 201 to accepted events; OTLP receivers answer 200 with an empty export response.
            context.Response.StatusCode = IsClef(request) ? StatusCodes.Created : StatusCodes.Ok;
            context.Response.Close();
        }
    }

    private static class StatusCodes
    {
        public const int Ok = 200;
        public const int Created = 201;
    }
}
