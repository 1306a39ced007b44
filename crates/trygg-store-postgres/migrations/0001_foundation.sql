-- trygg foundation schema (PostgreSQL). Times are BIGINT Unix seconds (UTC); audit times are
-- microseconds. Geometry and audit snapshots are JSON text.

CREATE TABLE organisations (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    kind      TEXT NOT NULL CHECK (kind IN ('kommun', 'forvaltning', 'lokalpolisomrade', 'partner')),
    parent_id BIGINT REFERENCES organisations (id)
);

CREATE TABLE users (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    roles           TEXT NOT NULL,
    password_hash   TEXT,
    created_at      BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE areas (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name     TEXT NOT NULL,
    code     TEXT,
    kind     TEXT NOT NULL,
    geometry TEXT NOT NULL,
    UNIQUE (kind, code)
);

CREATE TABLE reports (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    reporter_id     BIGINT REFERENCES users (id),
    submitted_at    BIGINT NOT NULL
);

CREATE TABLE incidents (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_from BIGINT NOT NULL,
    occurred_to   BIGINT NOT NULL CHECK (occurred_to >= occurred_from),
    reported_at   BIGINT NOT NULL,
    category      TEXT NOT NULL,
    place_type    TEXT,
    lat           DOUBLE PRECISION,
    lon           DOUBLE PRECISION,
    n             DOUBLE PRECISION,
    e             DOUBLE PRECISION,
    precision     TEXT CHECK (precision IN ('exact', 'address', 'area')),
    place         TEXT,
    source_org    BIGINT NOT NULL REFERENCES organisations (id),
    channel       TEXT NOT NULL,
    external_id   TEXT,
    description   TEXT,
    visibility    TEXT NOT NULL CHECK (visibility IN ('shared', 'internal')),
    report_id     BIGINT REFERENCES reports (id),
    created_by    BIGINT REFERENCES users (id)
);
CREATE UNIQUE INDEX incidents_external_id ON incidents (channel, source_org, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX incidents_occurred ON incidents (occurred_from);
CREATE INDEX incidents_report ON incidents (report_id) WHERE report_id IS NOT NULL;

CREATE TABLE incident_areas (
    area_id     BIGINT NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
    incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    PRIMARY KEY (area_id, incident_id)
);
CREATE INDEX incident_areas_incident ON incident_areas (incident_id);

CREATE TABLE audit_events (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id);
