namespace Neocloud.Cli;

/// <summary>
/// A mistake the user can fix (bad file, unknown id, bad option): reported as one line on stderr, exit code 2.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
