namespace Neocloud.Testing;

/// <summary>A directory under /tmp that is deleted with everything in it when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates a new empty directory whose name starts with <paramref name="prefix"/>.</summary>
    public TempDirectory(string prefix = "neocloud-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS cleans /tmp.
        }
    }
}
