-- Generic, versioned records (problems, cause analyses, interventions, follow-ups, meetings, and
-- the kinds to come). `data` is the record's JSON; `version` starts at 1 and grows by one with
-- every update (optimistic concurrency). Times are Unix microseconds (UTC). Every write is
-- audited in audit_events with entity = kind.

CREATE TABLE records (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    data            TEXT NOT NULL,
    version         BIGINT NOT NULL CHECK (version >= 1),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX records_kind ON records (kind);
