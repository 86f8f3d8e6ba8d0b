namespace Lumen.Attributions.Perturbation;

/// <summary>
/// Makes superpixels connected: every 4-connected piece of a label becomes its own segment, and pieces smaller than a
/// minimum size join the segment of the pixel above or left of their first pixel (scikit-image's
/// <c>enforce_connectivity</c> rule). Ids are renumbered 0 to K - 1 in raster order of first pixels.
/// </summary>
internal static class ConnectedSegments
{
    public static int[] Enforce(int[] labels, int height, int width, int minimumSize)
    {
        var component = new int[labels.Length];
        Array.Fill(component, -1);
        var final = new List<int>();
        var stack = new Stack<int>();
        var members = new List<int>();
        int next = 0;
        for (int start = 0; start < labels.Length; start++)
        {
            if (component[start] >= 0) continue;
            members.Clear();
            stack.Push(start);
            component[start] = next;
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                members.Add(p);
                int r = p / width, c = p % width;
                Visit(p - width, r > 0);
                Visit(p + width, r < height - 1);
                Visit(p - 1, c > 0);
                Visit(p + 1, c < width - 1);
            }
            int label = next;
            if (members.Count < minimumSize)
            {
                int r = start / width, c = start % width;
                if (c > 0) label = final[component[start - 1]];
                else if (r > 0) label = final[component[start - width]];
            }
            final.Add(label);
            next++;

            void Visit(int q, bool inside)
            {
                if (!inside || component[q] >= 0 || labels[q] != labels[start]) return;
                component[q] = next;
                stack.Push(q);
            }
        }
        var renumbered = new Dictionary<int, int>();
        var result = new int[labels.Length];
        for (int p = 0; p < labels.Length; p++)
        {
            int label = final[component[p]];
            if (!renumbered.TryGetValue(label, out int id)) renumbered[label] = id = renumbered.Count;
            result[p] = id;
        }
        return result;
    }
}
