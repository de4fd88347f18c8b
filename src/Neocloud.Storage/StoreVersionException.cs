namespace Neocloud.Storage;

/// <summary>The store was written by a newer version of Neocloud Exchange than this build: it is not opened.</summary>
public sealed class StoreVersionException(long stored, int supported)
    : Exception($"the store was written by a newer version of Neocloud Exchange (schema {stored}; this build reads schema {supported} and older)")
{
    /// <summary>The schema version the store holds.</summary>
    public long Stored { get; } = stored;
}
