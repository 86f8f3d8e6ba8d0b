using System.Globalization;
using System.Text;
using Lumen.Imaging;

namespace Lumen.Evaluation;

/// <summary>Writes the evaluation table as CSV with the header <c>method,image,metric,value</c>, atomically.</summary>
public static class EvaluationCsv
{
    /// <summary>The header line.</summary>
    public const string Header = "method,image,metric,value";

    /// <summary>The CSV text (values round-trip, invariant culture; fields with commas or quotes are quoted).</summary>
    public static string Format(IEnumerable<EvaluationRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder(Header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(Field(row.Method)).Append(',').Append(Field(row.Image)).Append(',').Append(Field(row.Metric)).Append(',')
                .Append(row.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<EvaluationRow> rows)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Format(rows));
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    private static string Field(string value) =>
        value.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
