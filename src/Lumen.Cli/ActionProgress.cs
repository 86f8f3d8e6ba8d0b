namespace Lumen.Cli;

/// <summary>An <see cref="IProgress{T}"/> that calls an action on the reporting thread (unlike <see cref="Progress{T}"/>, which posts to a context).</summary>
/// <typeparam name="T">The progress value.</typeparam>
/// <param name="report">Called with each value.</param>
public sealed class ActionProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}
