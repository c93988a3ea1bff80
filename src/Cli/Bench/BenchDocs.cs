namespace BookingSystem.Cli.Bench;

/// <summary>Appends a run's section to <c>docs/benchmarks.md</c> (creating the file with a title if there is none).</summary>
public static class BenchDocs
{
    public const string Title = "# Benchmarks";

    /// <summary>Results are appended below this heading; everything above it is the hand-written introduction.</summary>
    public const string ResultsHeading = "## Results";

    public static async Task AppendAsync(string path, BenchReport report)
    {
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        var prefix = existing.Length == 0
            ? $"{Title}{Environment.NewLine}{Environment.NewLine}{ResultsHeading}{Environment.NewLine}{Environment.NewLine}"
            : existing.EndsWith('\n') ? Environment.NewLine : Environment.NewLine + Environment.NewLine;
        if (existing.Length > 0 && !existing.Contains(ResultsHeading, StringComparison.Ordinal))
        {
            prefix += ResultsHeading + Environment.NewLine + Environment.NewLine;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.AppendAllTextAsync(path, prefix + report.ToMarkdown());
    }
}
