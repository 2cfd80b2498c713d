-- Data Protection keys (auth cookies, anti-forgery tokens, circuit state) live in the database, so a restart or a
-- second app instance keeps every signed-in user signed in. The runtime role may read keys and add new ones only.
CREATE TABLE IF NOT EXISTS data_protection_keys (
    friendly_name TEXT PRIMARY KEY CHECK (length(friendly_name) BETWEEN 1 AND 200),
    xml TEXT NOT NULL CHECK (length(xml) <= 100000),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

GRANT SELECT, INSERT ON data_protection_keys TO techcourse_app;
