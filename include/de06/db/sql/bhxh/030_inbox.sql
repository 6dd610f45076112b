-- Vietnam Social Security (BHXH) gateway: clinic submissions in, health-book entries out.
-- Grain: submission = one envelope received; outbox_item = one health-book entry to push.
-- Raw personal IDs live only here (as in the source XML); they never leave through logs/XCom.

-- Facilities that send submissions; contracted = has a BHYT contract (public), else private.
CREATE TABLE facility (
    facility_code   char(5) PRIMARY KEY CHECK (facility_code ~ '^[0-9]{5}$'),
    name            text NOT NULL,
    province_code   char(2) NOT NULL,
    contracted      boolean NOT NULL,
    client_id       text NOT NULL            -- VNeID API client of the clinic (read-back)
);

-- The inbox: one row per distinct envelope (byte-identical resubmissions are duplicates).
CREATE TABLE submission (
    submission_id   bigserial PRIMARY KEY,
    facility_code   text,                    -- as claimed by the sender (validated later)
    file_name       text NOT NULL,
    sha256          char(64) NOT NULL UNIQUE,
    body            bytea NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    status          text NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'processing', 'accepted', 'rejected')),
    reason          text,                    -- why rejected (no raw ID or name)
    counts          jsonb,                   -- entries by type when accepted
    claimed_at      timestamptz,
    processed_at    timestamptz,
    signalled_at    timestamptz              -- an event trigger announced it
);
CREATE INDEX submission_status_idx ON submission (status, received_at);

-- Every byte-identical resubmission is recorded here (outcome "duplicate"), never dropped silently.
CREATE TABLE submission_duplicate (
    duplicate_id    bigserial PRIMARY KEY,
    submission_id   bigint NOT NULL REFERENCES submission (submission_id),
    file_name       text NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One row per health-book entry to push.
CREATE TABLE outbox_item (
    item_id          bigserial PRIMARY KEY,
    submission_id    bigint NOT NULL REFERENCES submission (submission_id),
    idempotency_key  text NOT NULL UNIQUE,
    facility_code    char(5) NOT NULL,
    episode_key      text NOT NULL,           -- MA_LK
    entry_type       text NOT NULL CHECK (entry_type IN ('visit', 'lab_result', 'referral', 'reappointment')),
    seq              int NOT NULL DEFAULT 1,
    identity         jsonb NOT NULL,          -- what the XML says about the person (for resolution)
    citizen_id       char(12),                -- resolved 12-digit ID (null while parked)
    book_owner_id    char(12),                -- whose VNeID book holds it (guardian for a child)
    occurred_at      timestamptz NOT NULL,
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'in_flight', 'acked', 'parked', 'dead')),
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    claimed_at       timestamptz,
    claimed_by       text,
    last_error       text,
    entry_id         text,                    -- VNeID's id once acknowledged
    visit_time       timestamptz,             -- clinic's time of the visit (XML, minute precision)
    received_at      timestamptz NOT NULL,    -- submission reached the inbox
    pushed_at        timestamptz,             -- first push attempt
    acked_at         timestamptz,             -- VNeID confirmed
    signalled_at     timestamptz              -- an event trigger announced it
);
CREATE INDEX outbox_due_idx ON outbox_item (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_status_idx ON outbox_item (status);
CREATE INDEX outbox_acked_idx ON outbox_item (acked_at) WHERE status = 'acked';

-- Permanent failures (4xx other than 429, retries exhausted), with the reason.
CREATE TABLE dead_letter (
    dead_id         bigserial PRIMARY KEY,
    item_id         bigint NOT NULL REFERENCES outbox_item (item_id),
    http_status     int,
    reason          text NOT NULL,
    dead_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    replayed_at     timestamptz
);
CREATE INDEX dead_letter_open_idx ON dead_letter (item_id) WHERE replayed_at IS NULL;

-- Citizen not resolvable yet; retried when the population data changes.
CREATE TABLE parked_item (
    item_id          bigint PRIMARY KEY REFERENCES outbox_item (item_id),
    reason           text NOT NULL,
    parked_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    checked_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    population_mark  timestamptz,             -- max(citizen.updated_at) when last checked
    resolved_at      timestamptz
);

-- One row per drain run: counts and latency percentiles (freshness score of the quality report).
CREATE TABLE push_run (
    run_id          text PRIMARY KEY,
    mode            text NOT NULL DEFAULT 'event',   -- event | scheduled | replay | cli | bench
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    submissions     int NOT NULL DEFAULT 0,
    rejected        int NOT NULL DEFAULT 0,
    duplicates      int NOT NULL DEFAULT 0,
    acked           int NOT NULL DEFAULT 0,
    retried         int NOT NULL DEFAULT 0,
    dead            int NOT NULL DEFAULT 0,
    parked          int NOT NULL DEFAULT 0,
    unparked        int NOT NULL DEFAULT 0,
    left_pending    int NOT NULL DEFAULT 0,
    latency_p50_s   double precision,         -- received -> acked
    latency_p95_s   double precision,
    latency_p99_s   double precision,
    latency_max_s   double precision,
    visit_p95_s     double precision          -- visit time -> acked
);

-- What the clinic simulator sent (its own record; pipelines never read it).
CREATE TABLE sim_sent (
    sha256          char(64) NOT NULL,
    label           text NOT NULL,            -- ok | malformed | xxe | unknown_table | broken_table | duplicate | ...
    expected        jsonb NOT NULL,           -- entries by type the generator expects to arrive
    sent_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX sim_sent_sha_idx ON sim_sent (sha256);

-- Wake listeners when work lands (statement level: one NOTIFY per insert statement).
CREATE FUNCTION notify_health_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('health_work', TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER submission_notify AFTER INSERT ON submission
    FOR EACH STATEMENT EXECUTE FUNCTION notify_health_work();
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox_item
    FOR EACH STATEMENT EXECUTE FUNCTION notify_health_work();
