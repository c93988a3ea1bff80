namespace BookingSystem.Cli;

/// <summary>
/// Settings for the developer tools: an environment variable wins, then the repository's <c>.env</c> (found by
/// walking up from the current directory, then from the tool's own location).
/// </summary>
public sealed class DevelopmentSettings
{
    private readonly IReadOnlyDictionary<string, string> _dotEnv;

    private DevelopmentSettings(IReadOnlyDictionary<string, string> dotEnv, string? dotEnvPath)
    {
        _dotEnv = dotEnv;
        DotEnvPath = dotEnvPath;
    }

    /// <summary>The <c>.env</c> file read, if one was found.</summary>
    public string? DotEnvPath { get; }

    public static DevelopmentSettings Load()
    {
        var path = FindDotEnv(Directory.GetCurrentDirectory()) ?? FindDotEnv(AppContext.BaseDirectory);
        return new DevelopmentSettings(path is null ? new Dictionary<string, string>() : Parse(File.ReadLines(path)), path);
    }

    /// <summary>The first of <paramref name="names"/> that is set, looking at the environment before <c>.env</c>.</summary>
    public string? Get(params string[] names) =>
        names.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrEmpty(v))
        ?? names.Select(n => _dotEnv.GetValueOrDefault(n)).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    /// <summary>KEY=VALUE lines; blank lines and # comments skipped; one pair of surrounding quotes removed; in an unquoted value " #" starts a comment.</summary>
    public static Dictionary<string, string> Parse(IEnumerable<string> lines)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#' || equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            else if (System.Text.RegularExpressions.Regex.Match(value, @"\s#") is { Success: true } comment)
            {
                // Unquoted: " #" starts a comment, as in eng/lib.sh and docker compose.
                value = value[..comment.Index].TrimEnd();
            }

            values[line[..equals].Trim()] = value;
        }

        return values;
    }

    private static string? FindDotEnv(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".env");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "BookingSystem.sln")))
            {
                return candidate;
            }
        }

        return null;
    }
}
