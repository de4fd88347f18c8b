-- Neocloud Exchange: Neocloud's own PostgreSQL schema for the contract of Orleans' ADO.NET clustering provider
-- (Microsoft.Orleans.Clustering.AdoNet 10.4.x, invariant "Npgsql"). Written for this project from the provider's
-- behaviour; it is not a copy of the scripts that Orleans keeps in its repository (the NuGet packages ship none).
--
-- The contract, as the provider uses it:
--   * At start it runs `SELECT QueryKey, QueryText FROM OrleansQuery` and refuses to start unless every key it
--     knows is there (see the rows at the end). It then runs those texts with named parameters (@DeploymentId,
--     @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @SuspectTimes, @StartTime,
--     @IAmAliveTime, @Version) and reads the result columns by name.
--   * The membership table is versioned per cluster (DeploymentId = Orleans' ClusterId): one version row, whose
--     number is the table's ETag. Inserting or updating a silo's row succeeds only if the caller saw the current
--     version, and then moves the version on by one, in the same statement. Such queries answer one row with one
--     column: non-zero for success, zero for "someone else wrote first" (Orleans then re-reads and retries).
--   * Reads answer the version row even when no silo row matches (a LEFT JOIN): Orleans takes the version from
--     the first row, and a NULL StartTime means "no silo in this row".
--   * Times are UTC. Npgsql sends Orleans' DateTime parameters as timestamptz, so the columns are timestamptz
--     and nothing depends on the session's TimeZone.
--
-- Safe to run again: tables are created only if missing, functions are replaced, and the query rows
-- are upserted so that running a newer copy of this script updates the query texts. OrleansSchema.EnsureAsync
-- runs it in one transaction under an advisory lock, so nodes that start together do not race.

-- The queries Orleans runs, by key. Other Orleans ADO.NET providers (persistence, reminders) add their rows here.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleans_query_pk PRIMARY KEY (QueryKey)
);

-- One row per cluster: the membership table's version (its ETag). Every successful insert or update of one of the
-- cluster's silo rows adds one to it; heartbeats and the clean-up of dead rows do not.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Version      integer      NOT NULL DEFAULT 0,
    ChangedAt    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT orleans_membership_version_pk PRIMARY KEY (DeploymentId)
);

-- One row per silo incarnation (address, port and generation) that ever joined the cluster.
-- Status is Orleans' SiloStatus as a number: 0 None, 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
-- SuspectTimes is Orleans' own text: "silo,time|silo,time" with times written as "yyyy-MM-dd HH:mm:ss.fff GMT".
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address      varchar(45)  NOT NULL,
    Port         integer      NOT NULL,
    Generation   integer      NOT NULL,
    SiloName     varchar(150) NOT NULL,
    HostName     varchar(150) NOT NULL,
    Status       integer      NOT NULL,
    ProxyPort    integer      NOT NULL DEFAULT 0,
    SuspectTimes text         NULL,
    StartTime    timestamptz  NOT NULL,
    IAmAliveTime timestamptz  NOT NULL,
    CONSTRAINT orleans_membership_pk PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT orleans_membership_cluster_fk FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId) ON DELETE CASCADE
);

-- Adds a silo's row if the caller saw the current version. Locks the cluster's version row first, so writers to one
-- cluster take turns and the check, the insert and the bump happen as one step. Answers 1 if the row went in, 0 if the
-- version had moved, the cluster has no version row, or the silo's row is already there.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_silo_name        text,
    p_host_name        text,
    p_status           integer,
    p_proxy_port       integer,
    p_start_time       timestamptz,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    seen_version integer;
BEGIN
    SELECT vt.Version INTO seen_version
    FROM OrleansMembershipVersionTable AS vt
    WHERE vt.DeploymentId = p_deployment_id
    FOR UPDATE;

    IF seen_version IS NULL OR p_expected_version IS NULL OR seen_version <> p_expected_version THEN
        RETURN 0;
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
         COALESCE(p_proxy_port, 0), p_start_time, p_i_am_alive_time)
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;

    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, ChangedAt = now()
    WHERE DeploymentId = p_deployment_id;

    RETURN 1;
END
$fn$;

-- Changes a silo's status, suspicions and heartbeat if the caller saw the current version; same locking as the
-- insert. Answers 1 if the row changed, 0 if the version had moved or the row is not there.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    seen_version integer;
BEGIN
    SELECT vt.Version INTO seen_version
    FROM OrleansMembershipVersionTable AS vt
    WHERE vt.DeploymentId = p_deployment_id
    FOR UPDATE;

    IF seen_version IS NULL OR p_expected_version IS NULL OR seen_version <> p_expected_version THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipTable
    SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_i_am_alive_time
    WHERE DeploymentId = p_deployment_id
      AND Address = p_address
      AND Port = p_port
      AND Generation = p_generation;

    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, ChangedAt = now()
    WHERE DeploymentId = p_deployment_id;

    RETURN 1;
END
$fn$;

-- The latest time in a SuspectTimes text, or NULL if it has none. Each vote ends in "yyyy-MM-dd HH:mm:ss.fff GMT";
-- the time is read as UTC whatever the session's TimeZone.
CREATE OR REPLACE FUNCTION orleans_latest_suspect_time(p_suspect_times text)
RETURNS timestamptz
LANGUAGE sql
STABLE
AS $fn$
    SELECT max(vote[1]::timestamp AT TIME ZONE 'UTC')
    FROM regexp_matches(COALESCE(p_suspect_times, ''),
                        '([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?) GMT', 'g') AS vote
$fn$;

-- The query rows. Each text is run by Orleans as is; result column names are quoted so that they read back exactly
-- as Orleans names them.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
(
    -- Creates the cluster's version row if it is missing. Answers 1 if it was created, 0 if it was there.
    'InsertMembershipVersionKey',
    $q$
    WITH created AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer AS "Created" FROM created;
    $q$
),
(
    'InsertMembershipKey',
    $q$
    SELECT orleans_membership_insert(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS "Inserted";
    $q$
),
(
    'UpdateMembershipKey',
    $q$
    SELECT orleans_membership_update(
        @DeploymentId, @Address, @Port, @Generation,
        @Status, @SuspectTimes, @IAmAliveTime, @Version) AS "Updated";
    $q$
),
(
    -- A heartbeat: not versioned, and Orleans does not look at the outcome.
    'UpdateIAmAlivetimeKey',
    $q$
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId
      AND Address = @Address
      AND Port = @Port
      AND Generation = @Generation;
    $q$
),
(
    -- The version row, joined with the one silo row asked for (or NULLs if there is none).
    'MembershipReadRowKey',
    $q$
    SELECT
        vt.DeploymentId AS "DeploymentId",
        mt.Address      AS "Address",
        mt.Port         AS "Port",
        mt.Generation   AS "Generation",
        mt.SiloName     AS "SiloName",
        mt.HostName     AS "HostName",
        mt.Status       AS "Status",
        mt.ProxyPort    AS "ProxyPort",
        mt.SuspectTimes AS "SuspectTimes",
        mt.StartTime    AS "StartTime",
        mt.IAmAliveTime AS "IAmAliveTime",
        vt.Version      AS "Version"
    FROM OrleansMembershipVersionTable AS vt
    LEFT JOIN OrleansMembershipTable AS mt
        ON  mt.DeploymentId = vt.DeploymentId
        AND mt.Address = @Address
        AND mt.Port = @Port
        AND mt.Generation = @Generation
    WHERE vt.DeploymentId = @DeploymentId;
    $q$
),
(
    -- The version row, joined with every silo row of the cluster (or NULLs if there are none yet).
    'MembershipReadAllKey',
    $q$
    SELECT
        vt.DeploymentId AS "DeploymentId",
        mt.Address      AS "Address",
        mt.Port         AS "Port",
        mt.Generation   AS "Generation",
        mt.SiloName     AS "SiloName",
        mt.HostName     AS "HostName",
        mt.Status       AS "Status",
        mt.ProxyPort    AS "ProxyPort",
        mt.SuspectTimes AS "SuspectTimes",
        mt.StartTime    AS "StartTime",
        mt.IAmAliveTime AS "IAmAliveTime",
        vt.Version      AS "Version"
    FROM OrleansMembershipVersionTable AS vt
    LEFT JOIN OrleansMembershipTable AS mt
        ON mt.DeploymentId = vt.DeploymentId
    WHERE vt.DeploymentId = @DeploymentId;
    $q$
),
(
    -- Gateways of the cluster's silos in the given status (Orleans passes Active), for Orleans clients.
    'GatewaysQueryKey',
    $q$
    SELECT
        mt.Address    AS "Address",
        mt.ProxyPort  AS "ProxyPort",
        mt.Generation AS "Generation"
    FROM OrleansMembershipTable AS mt
    WHERE mt.DeploymentId = @DeploymentId
      AND mt.Status = @Status
      AND mt.ProxyPort > 0;
    $q$
),
(
    -- Forgets a whole cluster: its silo rows and its version row.
    'DeleteMembershipTableEntriesKey',
    $q$
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
    $q$
),
(
    -- Removes dead silos' rows whose last sign of life (start, heartbeat and every suspicion vote) is older than
    -- @IAmAliveTime, Orleans' cut-off. Rows of silos that are not declared dead are never removed. Orleans 10.4 runs
    -- this only when the row-by-row query below is missing.
    'CleanupDefunctSiloEntriesKey',
    $q$
    DELETE FROM OrleansMembershipTable AS mt
    WHERE mt.DeploymentId = @DeploymentId
      AND mt.Status = 6
      AND mt.StartTime < @IAmAliveTime
      AND mt.IAmAliveTime < @IAmAliveTime
      AND COALESCE(orleans_latest_suspect_time(mt.SuspectTimes), '-infinity'::timestamptz) < @IAmAliveTime;
    $q$
),
(
    -- Optional in Orleans 10.4: removes one dead silo's row, which Orleans has read and judged old enough, only if it
    -- is still exactly as read (same start, heartbeat and suspicions), so that nothing newer is lost.
    'CleanupDefunctSiloEntryKey',
    $q$
    DELETE FROM OrleansMembershipTable AS mt
    WHERE mt.DeploymentId = @DeploymentId
      AND mt.Address = @Address
      AND mt.Port = @Port
      AND mt.Generation = @Generation
      AND mt.Status = 6
      AND mt.StartTime = @StartTime
      AND mt.IAmAliveTime = @IAmAliveTime
      AND COALESCE(NULLIF(btrim(mt.SuspectTimes), ''), '') = COALESCE(NULLIF(btrim(@SuspectTimes), ''), '');
    $q$
)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
