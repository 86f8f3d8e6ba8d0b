using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lumen.Tests.Docs;

/// <summary>Relative links and heading anchors of markdown files, as GitHub renders them.</summary>
internal static partial class MarkdownLinks
{
    /// <summary>A link in a file: its line number and target as written.</summary>
    public sealed record Link(int Line, string Target);

    /// <summary>Every inline link and image target outside code fences and code spans.</summary>
    public static IReadOnlyList<Link> Links(string markdown)
    {
        var links = new List<Link>();
        bool fence = false;
        string[] lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) { fence = !fence; continue; }
            if (fence) continue;
            string text = CodeSpan().Replace(lines[i], "");
            foreach (Match match in InlineLink().Matches(text))
                links.Add(new Link(i + 1, match.Groups["target"].Value));
        }
        return links;
    }

    /// <summary>True for a link that leaves the repository (a URL scheme such as https: or mailto:).</summary>
    public static bool IsExternal(string target) => UrlScheme().IsMatch(target);

    /// <summary>The anchors of a file's headings, GitHub style: duplicates get -1, -2, ...</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        bool fence = false;
        foreach (string line in markdown.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fence = !fence; continue; }
            if (fence) continue;
            Match heading = Heading().Match(line);
            if (!heading.Success) continue;
            string slug = Slug(heading.Groups["text"].Value);
            int count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }
        return anchors;
    }

    /// <summary>GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens.</summary>
    public static string Slug(string heading)
    {
        string plain = InlineLinkText().Replace(heading.Trim(), "${text}");
        var slug = new StringBuilder();
        foreach (char c in plain.ToLowerInvariant())
        {
            UnicodeCategory category = char.GetUnicodeCategory(c);
            if (c == ' ') slug.Append('-');
            else if (c == '-' || c == '_' || char.IsLetterOrDigit(c) || category == UnicodeCategory.NonSpacingMark) slug.Append(c);
        }
        return slug.ToString();
    }

    [GeneratedRegex(@"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex InlineLinkText();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex UrlScheme();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();
}
