using Neocloud.Domain.Procurement;
using Neocloud.Exchange.Offtake;
using Neocloud.Exchange.Outcomes;
using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>
/// The configuration's states, held by the shard that journals its facts and decided on its single writer: which
/// organizations exist, which tokens are live (and until when), which hooks each organization has (active or
/// disabled, at which generation), which procurements are active. Two nodes racing to create one organization, revoke
/// one token or stop one procurement reach it one after the other, so the second is refused whatever it read before.
/// Only ids and states are kept, never whole rows or secrets.
/// </summary>
public sealed class ConfigState
{
    private readonly HashSet<string> _organizations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Token> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Hook> _hooks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _hooksPerOrganization = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Procurement> _procurements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Organization, string Status)> _approvals = new(StringComparer.Ordinal);

    /// <summary>The state the stored configuration holds (read at a shard's start, after its last commit).</summary>
    public static ConfigState From(ConfigRows rows)
    {
        var state = new ConfigState();
        state.Add(rows);
        return state;
    }

    /// <summary>True when the organization exists.</summary>
    public bool HasOrganization(string id) => _organizations.Contains(id);

    /// <summary>Decides whether <paramref name="fact"/> may happen now; changes nothing.</summary>
    public BookDecision Decide(ConfigFact fact, long nowMs)
    {
        Failure? refusal = fact switch
        {
            OrganizationCreated created => _organizations.Contains(created.Organization.Id) ? OrganizationTaken(created.Organization.Id) : null,
            OrganizationRateLimitSet set => _organizations.Contains(set.OrganizationId) ? null : NoOrganization(set.OrganizationId),
            TokenIssued issued => !_organizations.Contains(issued.Token.OrganizationId) ? NoOrganization(issued.Token.OrganizationId)
                : _tokens.ContainsKey(issued.Token.Id) ? Failure.Conflict("Token exists", $"token {issued.Token.Id} exists") : null,
            TokenRotated rotated => Live(rotated.TokenId, rotated.Replacement.CreatedMs) ? null : NoLiveToken(rotated.TokenId),
            TokenRevoked revoked => _tokens.TryGetValue(revoked.TokenId, out var token) && !token.Revoked ? null : NoLiveToken(revoked.TokenId),
            WebhookCreated created => _hooks.ContainsKey(created.Hook.Id) ? Failure.Conflict("Webhook exists", $"webhook {created.Hook.Id} exists")
                : _hooksPerOrganization.GetValueOrDefault(created.Hook.OrganizationId) >= created.MaxPerOrganization
                    ? Failure.Conflict("Too many webhooks", $"an organization may have at most {created.MaxPerOrganization} webhooks; remove one first")
                : null,
            WebhookDeleted deleted => HookOf(deleted.WebhookId, deleted.OrganizationId) is null ? NoWebhook(deleted.WebhookId) : null,
            WebhookRedelivered redelivered => HookOf(redelivered.WebhookId, redelivered.OrganizationId) is null ? NoWebhook(redelivered.WebhookId) : null,
            WebhookDisabled disabled => _hooks.TryGetValue(disabled.WebhookId, out var hook) && hook.Active && hook.Generation == disabled.Generation ? null
                : Failure.Conflict("Webhook moved on", $"webhook {disabled.WebhookId} is no longer active at generation {disabled.Generation}"),
            ProcurementStarted started => _procurements.ContainsKey(started.Procurement.Id)
                ? Failure.Conflict("Procurement exists", $"procurement {started.Procurement.Id} exists") : null,
            ProcurementStopped stopped => !_procurements.TryGetValue(stopped.ProcurementId, out var procurement) || procurement.Organization != stopped.OrganizationId
                ? Failure.NotFound($"no procurement '{stopped.ProcurementId}'")
                : !procurement.Active ? Failure.Conflict("Not active", $"procurement '{stopped.ProcurementId}' is already stopped") : null,
            ApprovalThresholdSet set => _organizations.Contains(set.OrganizationId) ? null : NoOrganization(set.OrganizationId),
            ApprovalRequested requested => _approvals.ContainsKey(requested.Approval.Id)
                ? Failure.Conflict("Approval exists", $"approval {requested.Approval.Id} exists") : null,
            ApprovalDecided decided => ApprovalIn(decided.ApprovalId, decided.OrganizationId, ApprovalRecord.Pending),
            ApprovalCompleted completed => ApprovalIn(completed.ApprovalId, completed.OrganizationId, ApprovalRecord.Approved),
            ConfigImported => null,
            _ => throw new ArgumentException($"unknown configuration fact {fact.GetType().Name}", nameof(fact)),
        };
        if (refusal is not null) return new BookDecision(refusal, fact, RunSteps: false);
        if (fact is TokenRotated rotation && _tokens[rotation.TokenId].ExpiresMs is { } expires && expires < rotation.OldExpiresMs)
        {
            // A token due to expire before the grace ends keeps its earlier expiry.
            return new BookDecision(null, rotation with { OldExpiresMs = expires }, RunSteps: false);
        }
        return new BookDecision(null, fact, RunSteps: false);
    }

    /// <summary>Moves the state by a fact decided and committed.</summary>
    public void Apply(ConfigFact fact)
    {
        switch (fact)
        {
            case OrganizationCreated created:
                _organizations.Add(created.Organization.Id);
                break;
            case TokenIssued issued:
                _tokens[issued.Token.Id] = Token.Of(issued.Token);
                break;
            case TokenRotated rotated:
                _tokens[rotated.TokenId] = _tokens[rotated.TokenId] with { ExpiresMs = rotated.OldExpiresMs };
                _tokens[rotated.Replacement.Id] = Token.Of(rotated.Replacement);
                break;
            case TokenRevoked revoked:
                _tokens[revoked.TokenId] = _tokens[revoked.TokenId] with { Revoked = true };
                break;
            case WebhookCreated created:
                AddHook(created.Hook);
                break;
            case WebhookDeleted deleted:
                _hooks.Remove(deleted.WebhookId);
                _hooksPerOrganization[deleted.OrganizationId]--;
                break;
            case WebhookRedelivered redelivered:
            {
                var hook = _hooks[redelivered.WebhookId];
                _hooks[redelivered.WebhookId] = hook with { Active = true, Generation = hook.Generation + 1 };
                break;
            }
            case WebhookDisabled disabled:
                _hooks[disabled.WebhookId] = _hooks[disabled.WebhookId] with { Active = false };
                break;
            case ProcurementStarted started:
                _procurements[started.Procurement.Id] = new Procurement(started.Procurement.OrganizationId, started.Procurement.Status == ProcurementStatus.Active);
                break;
            case ProcurementStopped stopped:
                _procurements[stopped.ProcurementId] = _procurements[stopped.ProcurementId] with { Active = false };
                break;
            case ApprovalRequested requested:
                _approvals[requested.Approval.Id] = (requested.Approval.OrganizationId, ApprovalRecord.Pending);
                break;
            case ApprovalDecided decided:
                _approvals[decided.ApprovalId] = (decided.OrganizationId, decided.Status);
                break;
            case ApprovalCompleted completed:
                // Final: nothing more can happen to it.
                _approvals.Remove(completed.ApprovalId);
                break;
            case ConfigImported imported:
                Add(new ConfigRows(imported.Organizations, imported.Tokens, imported.Webhooks, imported.Procurements));
                break;
        }
    }

    private void Add(ConfigRows rows)
    {
        foreach (var organization in rows.Organizations) _organizations.Add(organization.Id);
        foreach (var approval in rows.OpenApprovals) _approvals[approval.Id] = (approval.OrganizationId, approval.Status);
        foreach (var token in rows.Tokens) _tokens.TryAdd(token.Id, Token.Of(token));
        foreach (var hook in rows.Webhooks)
        {
            if (!_hooks.ContainsKey(hook.Id)) AddHook(hook);
        }
        foreach (var procurement in rows.Procurements)
            _procurements.TryAdd(procurement.Id, new Procurement(procurement.OrganizationId, procurement.Status == ProcurementStatus.Active));
    }

    private void AddHook(WebhookRecord hook)
    {
        _hooks[hook.Id] = new Hook(hook.OrganizationId, hook.Status == WebhookRecord.Active, hook.Generation);
        _hooksPerOrganization[hook.OrganizationId] = _hooksPerOrganization.GetValueOrDefault(hook.OrganizationId) + 1;
    }

    /// <summary>True when the token exists, is not revoked and has not expired at <paramref name="atMs"/>.</summary>
    private bool Live(string tokenId, long atMs) =>
        _tokens.TryGetValue(tokenId, out var token) && !token.Revoked && (token.ExpiresMs is not { } expires || expires > atMs);

    /// <summary>Null when the organization's approval is <paramref name="status"/>, else why the fact cannot apply (a decided approval is final; one never held is not found).</summary>
    private Failure? ApprovalIn(string id, string organization, string status) =>
        !_approvals.TryGetValue(id, out var approval) || approval.Organization != organization
            ? Failure.NotFound($"no open approval '{id}'")
            : approval.Status != status ? Failure.Conflict("Approval decided", $"approval {id} is already {approval.Status}") : null;

    private Hook? HookOf(string id, string organization) => _hooks.TryGetValue(id, out var hook) && hook.Organization == organization ? hook : null;

    /// <summary>The refusal of an organization id already taken.</summary>
    internal static Failure OrganizationTaken(string id) => Failure.Conflict("Conflict", $"organization '{id}' already exists");

    /// <summary>The answer for an organization that does not exist.</summary>
    internal static Failure NoOrganization(string id) => Failure.NotFound($"no organization '{id}'");

    /// <summary>The answer for a token that does not exist, is revoked or has expired.</summary>
    internal static Failure NoLiveToken(string id) => Failure.NotFound($"no live token '{id}'");

    private static Failure NoWebhook(string id) => Failure.NotFound($"no webhook '{id}'");

    private sealed record Token(bool Revoked, long? ExpiresMs)
    {
        public static Token Of(TokenRecord token) => new(token.RevokedMs is not null, token.ExpiresMs);
    }

    private sealed record Hook(string Organization, bool Active, long Generation);

    private sealed record Procurement(string Organization, bool Active);
}
