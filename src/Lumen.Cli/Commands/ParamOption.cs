namespace Lumen.Cli.Commands;

/// <summary>Parses repeated <c>--param name=value</c> settings.</summary>
public static class ParamOption
{
    /// <summary>The settings by name; a malformed or repeated one is a usage error.</summary>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> items)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string item in items)
        {
            int equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == item.Length - 1)
                throw LumenException.Usage($"--param {item}: expected name=value, e.g. --param relu=false");
            string name = item[..equals].Trim().ToLowerInvariant();
            if (!settings.TryAdd(name, item[(equals + 1)..].Trim()))
                throw LumenException.Usage($"--param {name} is given twice; give each setting once");
        }
        return settings;
    }
}
