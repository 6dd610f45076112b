-- The store behind the VNeID API simulator (de06.simulators.vneid_api).
-- Health-book entries pushed by the BHXH gateway, consents, tokens, and two logs.
-- Raw 12-digit IDs live only in the book itself (health_book_entry, consent, account);
-- the logs keep an HMAC of the ID and its masked form, never the ID.

-- VNeID accounts the simulator knows (who has a health book). Filled by
-- `de06 vneid-api serve --seed-accounts` (copied from dancu: has_vneid and not deceased) or by
-- tests through POST /admin/accounts. IDs not listed here fall back to a live dancu lookup
-- unless the server runs with --no-dancu-lookup.
CREATE TABLE account (
    citizen_id  char(12) PRIMARY KEY CHECK (citizen_id ~ '^[0-9]{12}$'),
    active      boolean NOT NULL DEFAULT true,
    source      text NOT NULL DEFAULT 'registered' CHECK (source IN ('registered', 'dancu')),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens: only the SHA-256 of a token is stored.
CREATE TABLE oauth_token (
    token_hash     char(64) PRIMARY KEY,
    client_id      text NOT NULL,
    role           text NOT NULL CHECK (role IN ('gateway', 'clinic')),
    facility_code  char(5),
    issued_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at     timestamptz NOT NULL
);
CREATE INDEX oauth_token_expires_idx ON oauth_token (expires_at);

-- One row per accepted push. idempotency_key UNIQUE: a replay never makes a second row.
CREATE TABLE health_book_entry (
    entry_id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    idempotency_key  text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash     char(64) NOT NULL,       -- SHA-256 of the canonical request body
    citizen_id       char(12) NOT NULL CHECK (citizen_id ~ '^[0-9]{12}$'),
    book_owner_id    char(12) NOT NULL CHECK (book_owner_id ~ '^[0-9]{12}$'),
    entry_type       text NOT NULL CHECK (entry_type IN ('visit', 'lab_result', 'referral', 'reappointment')),
    facility_code    char(5) NOT NULL,
    episode_key      text NOT NULL,
    occurred_at      timestamptz NOT NULL,
    payload          jsonb NOT NULL,
    client_id        text NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX health_book_entry_owner_idx ON health_book_entry (book_owner_id, occurred_at);
CREATE INDEX health_book_entry_citizen_idx ON health_book_entry (citizen_id);
CREATE INDEX health_book_entry_received_idx ON health_book_entry (received_at);
CREATE INDEX health_book_entry_episode_idx ON health_book_entry (facility_code, episode_key);

-- A citizen's consent for one facility to read their book; revoking sets revoked_at.
CREATE TABLE consent (
    consent_id     bigserial PRIMARY KEY,
    citizen_id     char(12) NOT NULL CHECK (citizen_id ~ '^[0-9]{12}$'),
    facility_code  char(5) NOT NULL,
    granted_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    revoked_at     timestamptz,
    CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
);
-- At most one active consent per (citizen, facility).
CREATE UNIQUE INDEX consent_active_uq ON consent (citizen_id, facility_code) WHERE revoked_at IS NULL;

-- Who read (or tried to read) which book, when. IDs as HMAC + masked form only.
CREATE TABLE access_log (
    access_id       bigserial PRIMARY KEY,
    accessed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    client_id       text NOT NULL,
    facility_code   char(5),
    citizen_hash    char(64) NOT NULL,
    citizen_masked  text NOT NULL,
    entry_type      text,
    outcome         text NOT NULL CHECK (outcome IN ('granted', 'refused')),
    entries_returned integer NOT NULL DEFAULT 0
);
CREATE INDEX access_log_citizen_idx ON access_log (citizen_hash, accessed_at);

-- Every API call: method, path (IDs masked), status, latency, the fault injected if any.
CREATE TABLE api_request_log (
    request_id   bigserial PRIMARY KEY,
    logged_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    method       text NOT NULL,
    path         text NOT NULL,
    status       integer,                 -- NULL when the connection was dropped
    latency_ms   double precision NOT NULL,
    fault        text                     -- latency|error|throttle|drop|timeout_after_accept|down
);
CREATE INDEX api_request_log_logged_idx ON api_request_log (logged_at);
