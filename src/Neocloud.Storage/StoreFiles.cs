namespace Neocloud.Storage;

/// <summary>
/// File modes of a SQLite store and its backups: readable and writable by their owner only (0600), in a directory only
/// its owner may enter (0700), since they hold token hashes and the exchange's whole ledger. SQLite creates its
/// <c>-wal</c>, <c>-shm</c> and <c>-journal</c> files with the database file's mode. Nothing is changed on Windows.
/// </summary>
public static class StoreFiles
{
    /// <summary>A store or backup file's mode: 0600.</summary>
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A data directory's mode: 0700.</summary>
    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly string[] s_companions = ["-wal", "-shm", "-journal"];

    /// <summary>Creates the directory with mode 0700, or narrows an existing one to 0700.</summary>
    public static void PrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        if (Directory.Exists(path)) File.SetUnixFileMode(path, OwnerOnlyDirectory);
        else Directory.CreateDirectory(path, OwnerOnlyDirectory);
    }

    /// <summary>
    /// Makes a SQLite file owner-only before SQLite opens it: a missing one is created empty with mode 0600 (SQLite takes
    /// an empty file as a new database, and gives its -wal and -shm the same mode); an existing one, and the -wal, -shm
    /// and -journal beside it, are narrowed to 0600.
    /// </summary>
    public static void PrivateFile(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
            return;
        }
        File.SetUnixFileMode(path, OwnerOnlyFile);
        foreach (var suffix in s_companions)
        {
            if (File.Exists(path + suffix)) File.SetUnixFileMode(path + suffix, OwnerOnlyFile);
        }
    }
}
