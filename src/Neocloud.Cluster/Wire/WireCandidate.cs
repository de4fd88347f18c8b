using Neocloud.Market.Engine;

namespace Neocloud.Cluster.Wire;

/// <summary>A capacity search's candidate ask on the wire.</summary>
[GenerateSerializer, Immutable, Alias("neocloud.wire-candidate")]
public sealed record WireCandidate([property: Id(0)] string PoolId, [property: Id(1)] long PriceTicks, [property: Id(2)] long Sequence,
    [property: Id(3)] int FreeGpus)
{
    public static WireCandidate Of(AskCandidate c) => new(c.PoolId, c.PriceTicks, c.Sequence, c.FreeGpus);

    public AskCandidate ToCandidate() => new(PoolId, PriceTicks, Sequence, FreeGpus);
}
