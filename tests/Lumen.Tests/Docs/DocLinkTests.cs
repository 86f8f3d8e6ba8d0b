using Xunit;

namespace Lumen.Tests.Docs;

/// <summary>Every relative link in README.md and docs/**/*.md points at a file that exists, and at a heading that exists.</summary>
public sealed class DocLinkTests
{
    public static TheoryData<string> MarkdownFiles()
    {
        var files = new TheoryData<string>();
        files.Add("README.md");
        string docs = Path.Combine(RepositoryRoot.Path, "docs");
        foreach (string file in Directory.GetFiles(docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            files.Add(Path.GetRelativePath(RepositoryRoot.Path, file).Replace('\\', '/'));
        return files;
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void RelativeLinksResolve(string file)
    {
        string path = Path.Combine(RepositoryRoot.Path, file);
        var broken = new List<string>();
        foreach (MarkdownLinks.Link link in MarkdownLinks.Links(File.ReadAllText(path)))
        {
            if (MarkdownLinks.IsExternal(link.Target)) continue;
            string? problem = Check(path, link.Target);
            if (problem is not null) broken.Add($"{file}:{link.Line}: ({link.Target}) {problem}");
        }
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Fact]
    public void SlugsFollowGitHub()
    {
        Assert.Equal("lumen-top-k--dataset-examples", MarkdownLinks.Slug("`lumen top-k` — dataset examples"));
        Assert.Equal("deletion-insertion-petsiuk-et-al-2018-rise", MarkdownLinks.Slug("`deletion`, `insertion` (Petsiuk et al. 2018, RISE)"));
        Assert.Equal(new HashSet<string> { "a", "a-1", "b" }, MarkdownLinks.Anchors("# A\n```\n# not a heading\n```\n## A\n### B\n").ToHashSet());
    }

    [Fact]
    public void LinksInCodeAreIgnored()
    {
        var links = MarkdownLinks.Links("see [a](a.md) and `[b](b.md)`\n```\n[c](c.md)\n```\n![d](img/d.png \"title\")");
        Assert.Equal(["a.md", "img/d.png"], links.Select(l => l.Target));
    }

    private static string? Check(string from, string target)
    {
        int hash = target.IndexOf('#', StringComparison.Ordinal);
        string file = hash < 0 ? target : target[..hash];
        string? anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
        string resolved = file.Length == 0
            ? from
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(from)!, Uri.UnescapeDataString(file)));
        if (!resolved.StartsWith(RepositoryRoot.Path, StringComparison.Ordinal)) return "points outside the repository";
        if (!File.Exists(resolved) && !Directory.Exists(resolved)) return "no such file";
        if (anchor is null) return null;
        if (!resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return "an anchor into a file that is not markdown";
        return MarkdownLinks.Anchors(File.ReadAllText(resolved)).Contains(anchor) ? null : $"no heading with anchor #{anchor}";
    }
}
