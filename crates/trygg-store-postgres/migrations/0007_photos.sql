-- Photos of fixes (åtgärdsärenden), stored by the SHA-256 of their bytes (hex), so the same
-- photo is stored once. Their metadata (which fix, approved for public pages) lives in the
-- fix's record; these are the bytes, already stripped of EXIF and other metadata.
CREATE TABLE photos (
    sha256       TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);
