namespace Neocloud.Testing;

/// <summary>Finds the repository's root (the folder holding Neocloud.slnx) from a test's output folder.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> s_path = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Neocloud.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Neocloud.slnx above {AppContext.BaseDirectory}");
    });

    /// <summary>The repository's root folder.</summary>
    public static string Path => s_path.Value;
}
