using System.Globalization;
using System.Text;
using System.Text.Json;
using Lumen.Data;
using Lumen.Imaging;

namespace Lumen.Understanding;

/// <summary>
/// The files of a top-K run: <c>topk.json</c> (per unit the index, score, label and name of each example, top
/// highest first, bottom lowest first), <c>topk.csv</c> (the same as rows) and <c>topk.png</c> (two rows of
/// thumbnails per unit with the scores under them). Each is written atomically.
/// </summary>
public static class TopKFiles
{
    /// <summary>The montage shows at most this many examples at each end (the JSON and CSV have all K).</summary>
    public const int MaxMontageColumns = 16;

    /// <summary>Writes the JSON report.</summary>
    public static void WriteJson(string path, TopKResult result, string model, ExampleCatalog data)
    {
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteString("data", data.Description);
            json.WriteNumber("images", result.ImageCount);
            json.WriteNumber("k", result.K);
            json.WriteStartArray("units");
            foreach (var ranking in result.Rankings)
            {
                json.WriteStartObject();
                json.WriteString("unit", ranking.Unit.Name);
                json.WriteString("description", ranking.Unit.Description);
                WriteExamples(json, "top", ranking.Top, data);
                WriteExamples(json, "bottom", ranking.Bottom, data);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>Writes one row per ranked example: unit, end (top/bottom), rank, index, score, label, name.</summary>
    public static void WriteCsv(string path, TopKResult result, ExampleCatalog data)
    {
        var text = new StringBuilder("unit,end,rank,index,score,label,name\n");
        foreach (var ranking in result.Rankings)
        {
            foreach (var (end, examples) in new[] { ("top", ranking.Top), ("bottom", ranking.Bottom) })
            {
                for (int rank = 0; rank < examples.Count; rank++)
                {
                    var e = examples[rank];
                    string label = data.LabelOf(e.Index) is { } known ? known.ToString(CultureInfo.InvariantCulture) : "";
                    text.Append(CultureInfo.InvariantCulture, $"{ranking.Unit.Name},{end},{rank + 1},{e.Index},{e.Score:R},{label},{Quote(data.NameOf(e.Index))}\n");
                }
            }
        }
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// The montage: for each unit a row of its top K and a row of its bottom K (at most <see cref="MaxMontageColumns"/>
    /// each, so the picture stays a reasonable size), each thumbnail captioned with the unit and rank, the image's
    /// name and label, and its score.
    /// </summary>
    public static RgbImage Montage(TopKResult result, ExampleCatalog data, string title)
    {
        var panels = new List<MontagePanel>();
        int columns = Math.Min(result.K, MaxMontageColumns);
        foreach (var ranking in result.Rankings)
        {
            foreach (var (end, examples) in new[] { ("top", ranking.Top), ("bottom", ranking.Bottom) })
            {
                for (int rank = 0; rank < columns; rank++)
                {
                    if (rank >= examples.Count)
                    {
                        panels.Add(new MontagePanel(Blank(result), ""));
                        continue;
                    }
                    var e = examples[rank];
                    if (!result.Thumbnails.TryGetValue(e.Index, out RgbImage? picture))
                        throw new InvalidOperationException($"no thumbnail kept for example {e.Index}");
                    string caption = $"{ranking.Unit.Name} {end} {rank + 1}\n{Name(data, e.Index)}\n{e.Score.ToString("G4", CultureInfo.InvariantCulture)}";
                    panels.Add(new MontagePanel(picture, caption));
                }
            }
        }
        var options = MontageOptions.Default with { Title = title, MinPanelSide = 112, CaptionFontSize = 11, Padding = 8 };
        return Imaging.Montage.Create(panels, columns, options);
    }

    private static string Name(ExampleCatalog data, int index)
    {
        string name = data.NameOf(index);
        if (data.LabelOf(index) is not { } label) return name;
        string text = data.ClassNames is { } names && label >= 0 && label < names.Count ? names[(int)label] : label.ToString(CultureInfo.InvariantCulture);
        return $"{name} ({text})";
    }

    private static RgbImage Blank(TopKResult result)
    {
        var any = result.Thumbnails.Values.FirstOrDefault();
        int w = any?.Width ?? 1, h = any?.Height ?? 1;
        return new RgbImage(w, h, Enumerable.Repeat((byte)255, w * h * 3).ToArray());
    }

    private static void WriteExamples(Utf8JsonWriter json, string name, IReadOnlyList<RankedExample> examples, ExampleCatalog data)
    {
        json.WriteStartArray(name);
        foreach (var e in examples)
        {
            json.WriteStartObject();
            json.WriteNumber("index", e.Index);
            json.WriteNumber("score", e.Score);
            if (data.LabelOf(e.Index) is { } label) json.WriteNumber("label", label);
            json.WriteString("name", data.NameOf(e.Index));
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static string Quote(string text) =>
        text.IndexOfAny(new[] { ',', '"', '\n' }) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
