namespace Lumen.Models;

/// <summary>Finds the known names closest to a misspelt one, for error messages.</summary>
public static class NameSuggestions
{
    /// <summary>The up to <paramref name="count"/> names closest to <paramref name="wanted"/> by edit distance.</summary>
    public static IReadOnlyList<string> Closest(string wanted, IEnumerable<string> known, int count = 5)
    {
        string lowered = wanted.ToLowerInvariant();
        return known
            .Select(name => (name, distance: EditDistance(lowered, name.ToLowerInvariant())))
            .OrderBy(pair => pair.distance)
            .ThenBy(pair => pair.name, StringComparer.Ordinal)
            .Take(count)
            .Select(pair => pair.name)
            .ToList();
    }

    /// <summary>The Levenshtein distance between two strings.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
