using Neocloud.Domain.Procurement;

namespace Neocloud.Storage;

/// <summary>
/// The configuration's tables as projections of its facts (called by <see cref="BookProjection"/>, so the same
/// statements run in the live commit and when a replay rebuilds or verifies a store). Columns that change with use —
/// a token's <c>last_used_ms</c>, a hook's cursor, attempts, failure clock and lease, a procurement's <c>next_bid</c> —
/// are written here only as they start; their later moves are plain updates outside the journal.
/// </summary>
internal static class ConfigProjection
{
    /// <summary>The mark an upgraded store keeps until its older configuration rows are journaled (cleared in the same commit).</summary>
    public const string ImportPending = "config-import-pending";

    /// <summary>What starts the mark of an admin token made at first start and not yet journaled; its id, creation time and hash follow.</summary>
    public const string AdminTokenPending = "admin-token-pending:";

    private const string InsertOrganization = "INSERT INTO organizations (id, name, created_ms, rate_limit) VALUES (@Id, @Name, @CreatedMs, @RateLimit)";
    private const string InsertToken =
        "INSERT INTO api_tokens (id, organization_id, token_hash, scopes, label, created_ms, revoked_ms, expires_ms) " +
        "VALUES (@Id, @OrganizationId, @TokenHash, @Scopes, @Label, @CreatedMs, @RevokedMs, @ExpiresMs)";
    private const string InsertProcurement =
        "INSERT INTO procurements (id, organization_id, sku, region, gpus, horizon_hours, block_hours, max_price_ticks, status, next_bid, created_ms, stopped_ms, " +
        "alternatives) VALUES (@Id, @OrganizationId, @Sku, @Region, @Gpus, @HorizonHours, @BlockHours, @MaxPriceTicks, @Status, @NextBid, @CreatedMs, @StoppedMs, " +
        "@Alternatives)";

    /// <summary>The statements that write a configuration fact's rows, in order.</summary>
    public static IEnumerable<(string Sql, object Parameters)> Rows(ConfigFact fact)
    {
        switch (fact)
        {
            case OrganizationCreated created:
                yield return (InsertOrganization, created.Organization);
                break;
            case OrganizationRateLimitSet set:
                yield return ("UPDATE organizations SET rate_limit = @rateLimit WHERE id = @id", new { id = set.OrganizationId, rateLimit = set.RateLimit });
                break;
            case TokenIssued issued:
                yield return (InsertToken, issued.Token);
                if (issued.Bootstrap) yield return ("DELETE FROM event_marks WHERE mark LIKE @pending", new { pending = AdminTokenPending + "%" });
                break;
            case TokenRotated rotated:
                yield return ("UPDATE api_tokens SET expires_ms = @expiresMs WHERE id = @id", new { id = rotated.TokenId, expiresMs = rotated.OldExpiresMs });
                yield return (InsertToken, rotated.Replacement);
                break;
            case TokenRevoked revoked:
                yield return ("UPDATE api_tokens SET revoked_ms = @at WHERE id = @id", new { id = revoked.TokenId, at = revoked.AtMs });
                break;
            case WebhookCreated created:
                // The cursor starts at the organization's newest event, this commit's included: the hook delivers what comes after.
                yield return ("INSERT INTO webhooks (id, organization_id, url, types, description, secret, status, created_ms, cursor_seq, generation, attempts) " +
                    "VALUES (@Id, @OrganizationId, @Url, @Types, @Description, @Secret, @Status, @CreatedMs, " +
                    "COALESCE((SELECT seq FROM event_counters WHERE organization_id = @OrganizationId), 0), @Generation, 0)", created.Hook);
                break;
            case WebhookDeleted deleted:
                yield return ("DELETE FROM webhooks WHERE id = @id", new { id = deleted.WebhookId });
                yield return ("DELETE FROM webhook_deliveries WHERE webhook_id = @id", new { id = deleted.WebhookId });
                break;
            case WebhookRedelivered redelivered:
                yield return ("UPDATE webhooks SET cursor_seq = @cursor, status = @status, generation = generation + 1, failing_since_ms = NULL, " +
                    "disabled_reason = NULL, disabled_ms = NULL WHERE id = @id", new { id = redelivered.WebhookId, cursor = redelivered.Cursor, status = WebhookRecord.Active });
                break;
            case WebhookDisabled disabled:
                yield return ("UPDATE webhooks SET status = @status, disabled_reason = @reason, disabled_ms = @at, lease_owner = NULL, lease_until_ms = NULL WHERE id = @id",
                    new { id = disabled.WebhookId, status = WebhookRecord.Disabled, reason = disabled.Reason, at = disabled.AtMs });
                break;
            case ProcurementStarted started:
                yield return (InsertProcurement, Procurement(started.Procurement));
                break;
            case ProcurementStopped stopped:
                yield return ("UPDATE procurements SET status = @status, stopped_ms = @at WHERE id = @id",
                    new { id = stopped.ProcurementId, at = stopped.AtMs, status = ProcurementStatus.Stopped.Text() });
                break;
            case ApprovalThresholdSet set when set.ThresholdCents is { } threshold:
                yield return ("INSERT INTO approval_thresholds (organization_id, threshold_cents, set_ms) VALUES (@id, @threshold, @at) " +
                    "ON CONFLICT (organization_id) DO UPDATE SET threshold_cents = excluded.threshold_cents, set_ms = excluded.set_ms",
                    new { id = set.OrganizationId, threshold, at = set.AtMs });
                break;
            case ApprovalThresholdSet cleared:
                yield return ("DELETE FROM approval_thresholds WHERE organization_id = @id", new { id = cleared.OrganizationId });
                break;
            case ApprovalRequested requested:
                yield return ("INSERT INTO approvals (id, organization_id, kind, summary, value_cents, command, requested_by, requested_ms, status) " +
                    "VALUES (@Id, @OrganizationId, @Kind, @Summary, @ValueCents, @Command, @RequestedBy, @RequestedMs, @Status)", requested.Approval);
                break;
            case ApprovalDecided decided:
                yield return ("UPDATE approvals SET status = @Status, decided_by = @DecidedBy, decided_ms = @AtMs WHERE id = @ApprovalId", decided);
                break;
            case ApprovalCompleted completed:
                yield return ("UPDATE approvals SET status = @Status, result = @Result WHERE id = @ApprovalId", completed);
                break;
            case ConfigImported imported:
                // The rows were already in the store that was upgraded; a rebuild writes them as they stood.
                foreach (var organization in imported.Organizations) yield return (Conflicting(InsertOrganization), organization);
                foreach (var token in imported.Tokens) yield return (Conflicting(InsertToken), token);
                foreach (var hook in imported.Webhooks)
                {
                    yield return ("INSERT INTO webhooks (id, organization_id, url, types, description, secret, status, created_ms, cursor_seq, generation, attempts, " +
                        "failing_since_ms, disabled_reason, disabled_ms) VALUES (@Id, @OrganizationId, @Url, @Types, @Description, @Secret, @Status, @CreatedMs, " +
                        "@CursorSeq, @Generation, @Attempts, @FailingSinceMs, @DisabledReason, @DisabledMs) ON CONFLICT DO NOTHING", hook);
                }
                foreach (var procurement in imported.Procurements) yield return (Conflicting(InsertProcurement), Procurement(procurement));
                yield return ("DELETE FROM event_marks WHERE mark = @mark", new { mark = ImportPending });
                break;
            default:
                throw new ArgumentException($"no projection for {fact.GetType().Name}", nameof(fact));
        }
    }

    private static string Conflicting(string insert) => insert + " ON CONFLICT DO NOTHING";

    private static object Procurement(ProcurementRecord p) => new
    {
        p.Id, p.OrganizationId, p.Sku, p.Region, p.Gpus, p.HorizonHours, p.BlockHours, p.MaxPriceTicks, Status = p.Status.Text(), p.NextBid, p.CreatedMs,
        p.StoppedMs, p.Alternatives,
    };
}
