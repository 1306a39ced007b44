-- Accounts that can be managed after they are created: API tokens expire (existing tokens get
-- 90 days from this migration's run), can be revoked and show when they were last used; users
-- can be disabled. Failed sign-ins are kept in the database, so every server and every restart
-- counts the same. Times are Unix seconds, as elsewhere in these tables.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT;
UPDATE api_tokens SET expires_at = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) + 90 * 86400;
ALTER TABLE users ADD COLUMN disabled_at BIGINT;

CREATE TABLE sign_in_failures (
    key TEXT NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, at);
