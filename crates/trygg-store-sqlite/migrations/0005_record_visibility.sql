-- Records carry a visibility, as incidents do: `shared` with the whole partnership (every record
-- stored before this migration), or `internal` to the owning organisation.
ALTER TABLE records ADD COLUMN visibility TEXT NOT NULL DEFAULT 'shared'
    CHECK (visibility IN ('shared', 'internal'));
