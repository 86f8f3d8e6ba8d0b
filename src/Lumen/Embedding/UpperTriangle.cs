namespace Lumen.Embedding;

/// <summary>The strictly upper part (j &gt; i) of a symmetric sparse matrix in compressed sparse rows, values in float32.</summary>
internal sealed class UpperTriangle
{
    private UpperTriangle(int[] rowStarts, int[] columns, float[] values)
    {
        RowStarts = rowStarts;
        Columns = columns;
        Values = values;
    }

    /// <summary>Row i occupies entries RowStarts[i] .. RowStarts[i + 1] − 1.</summary>
    public int[] RowStarts { get; }

    /// <summary>Column of each entry, greater than its row.</summary>
    public int[] Columns { get; }

    /// <summary>Value of each entry.</summary>
    public float[] Values { get; }

    /// <summary>The upper part of <paramref name="matrix"/>; every column is checked to be below N, so readers may skip bounds checks.</summary>
    public static UpperTriangle Of(AffinityMatrix matrix)
    {
        int n = matrix.Points;
        var rowStarts = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            int count = 0;
            for (int e = matrix.RowStarts[i]; e < matrix.RowStarts[i + 1]; e++)
            {
                int column = matrix.Columns[e];
                if (column >= n) throw new ArgumentException($"Affinity entry ({i}, {column}) is outside the {n} points.", nameof(matrix));
                if (column > i) count++;
            }

            rowStarts[i + 1] = rowStarts[i] + count;
        }

        var columns = new int[rowStarts[n]];
        var values = new float[rowStarts[n]];
        for (int i = 0; i < n; i++)
        {
            int to = rowStarts[i];
            for (int e = matrix.RowStarts[i]; e < matrix.RowStarts[i + 1]; e++)
            {
                if (matrix.Columns[e] <= i) continue;
                columns[to] = matrix.Columns[e];
                values[to++] = (float)matrix.Values[e];
            }
        }

        return new UpperTriangle(rowStarts, columns, values);
    }

    /// <summary>The first row of part <paramref name="part"/> of <paramref name="parts"/> ranges holding about equal numbers of entries.</summary>
    public int PartStart(int part, int parts)
    {
        int rows = RowStarts.Length - 1;
        if (part <= 0) return 0;
        if (part >= parts) return rows;
        long target = (long)RowStarts[rows] * part / parts;
        int found = Array.BinarySearch(RowStarts, (int)target);
        return Math.Clamp(found >= 0 ? found : ~found, 0, rows);
    }
}
