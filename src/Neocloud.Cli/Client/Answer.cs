using Neocloud.Client;

namespace Neocloud.Cli.Client;

/// <summary>
/// What the exchange answered a call that a second person may have to approve: the call's typed <see cref="Result"/>, or
/// the approval it is <see cref="Held"/> for (HTTP 202).
/// </summary>
public sealed record Answer<T>(T? Result, ApprovalView? Held) where T : class;
