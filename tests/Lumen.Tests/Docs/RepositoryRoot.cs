namespace Lumen.Tests.Docs;

/// <summary>
/// The repository's root folder, found by walking up from the test assembly's folder to the one holding
/// <c>Lumen.sln</c> (fixtures are copied next to the assembly; documentation is not).
/// </summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Lumen.sln"))) return folder.FullName;
        }
        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds Lumen.sln");
    }
}
