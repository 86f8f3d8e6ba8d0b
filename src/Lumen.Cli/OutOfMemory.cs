namespace Lumen.Cli;

/// <summary>
/// Recognises a run that asked for more memory than the machine has (.NET's <see cref="OutOfMemoryException"/> or
/// libtorch's allocator refusing a tensor), which is a matter of settings, not a bug: the command line reports it as a
/// usage error with what to change.
/// </summary>
internal static class OutOfMemory
{
    /// <summary>Whether <paramref name="error"/> (or an error inside it) is a failed allocation.</summary>
    public static bool Is(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is OutOfMemoryException) return true;
            if (e is System.Runtime.InteropServices.ExternalException
                && (e.Message.Contains("can't allocate memory", StringComparison.Ordinal) || e.Message.Contains("not enough memory", StringComparison.Ordinal)))
                return true;
        }
        return false;
    }

    /// <summary>The one line shown for <paramref name="error"/>.</summary>
    public static string Message(Exception error)
    {
        string detail = error.Message.Split('\n')[0].Trim();
        return $"not enough memory for this run ({detail}); use fewer images, a smaller --batch-size or smaller method settings (--param)";
    }
}
