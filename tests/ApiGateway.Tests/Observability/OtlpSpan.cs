namespace BookingSystem.ApiGateway.Tests.Observability;

/// <summary>
/// A span as the OTLP exporter sent it, read straight from the protobuf wire format of
/// <c>ExportTraceServiceRequest</c> (resource_spans=1 → resource=1 / scope_spans=2 → spans=2; span: trace_id=1,
/// span_id=2, parent_span_id=4, name=5, kind=6, attributes=9; KeyValue: key=1, value=2 → string_value=1), so the
/// tests need no generated protobuf code.
/// </summary>
public sealed record OtlpSpan(string Service, string TraceId, string SpanId, string? ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public const int ServerKind = 2;
    public const int ProducerKind = 4;
    public const int ConsumerKind = 5;

    public static IEnumerable<OtlpSpan> Parse(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))
        {
            var fields = Fields(resourceSpans.Bytes).ToList();
            var resource = fields.FirstOrDefault(f => f.Number == 1).Bytes ?? [];
            var service = ReadAttributes(Fields(resource).Where(f => f.Number == 1)).GetValueOrDefault("service.name", "?");
            foreach (var scopeSpans in fields.Where(f => f.Number == 2))
            {
                foreach (var span in Fields(scopeSpans.Bytes).Where(f => f.Number == 2))
                {
                    var s = Fields(span.Bytes).ToList();
                    var parent = s.FirstOrDefault(f => f.Number == 4).Bytes;
                    yield return new OtlpSpan(
                        service,
                        Convert.ToHexStringLower(s.First(f => f.Number == 1).Bytes!),
                        Convert.ToHexStringLower(s.First(f => f.Number == 2).Bytes!),
                        parent is { Length: > 0 } ? Convert.ToHexStringLower(parent) : null,
                        System.Text.Encoding.UTF8.GetString(s.First(f => f.Number == 5).Bytes!),
                        (int)s.FirstOrDefault(f => f.Number == 6).Value,
                        ReadAttributes(s.Where(f => f.Number == 9)));
                }
            }
        }
    }

    private static Dictionary<string, string> ReadAttributes(IEnumerable<Field> keyValues)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in keyValues)
        {
            var kv = Fields(keyValue.Bytes).ToList();
            var key = System.Text.Encoding.UTF8.GetString(kv.First(f => f.Number == 1).Bytes!);
            var value = kv.FirstOrDefault(f => f.Number == 2).Bytes is { } any ? Fields(any).FirstOrDefault(f => f.Number == 1).Bytes : null;
            if (value is not null)
            {
                attributes[key] = System.Text.Encoding.UTF8.GetString(value);
            }
        }

        return attributes;
    }

    private readonly record struct Field(int Number, ulong Value, byte[]? Bytes);

    private static IEnumerable<Field> Fields(byte[]? message)
    {
        message ??= [];
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return new Field(number, ReadVarint(message, ref position), null);
                    break;
                case 1:
                    yield return new Field(number, BitConverter.ToUInt64(message, position), null);
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return new Field(number, 0, message[position..(position + length)]);
                    position += length;
                    break;
                case 5:
                    yield return new Field(number, BitConverter.ToUInt32(message, position), null);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {tag & 7} at byte {position}.");
            }
        }
    }

    private static ulong ReadVarint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
