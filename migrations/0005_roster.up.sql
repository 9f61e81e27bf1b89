-- 0005_roster: each profile's roster (RFC 6121) kept between runs, so that it answers
-- offline and a reconnect asks the server only for what changed (XEP-0237 versions).
-- Groups have their own table: streams select contacts by group.

CREATE TABLE roster_items (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    jid TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    subscription TEXT NOT NULL DEFAULT 'none' CHECK (subscription IN ('none', 'to', 'from', 'both')),
    ask INTEGER NOT NULL DEFAULT 0 CHECK (ask IN (0, 1)),
    PRIMARY KEY (profile_id, jid)
) WITHOUT ROWID;

CREATE TABLE roster_groups (
    profile_id INTEGER NOT NULL,
    jid TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (profile_id, jid, name),
    FOREIGN KEY (profile_id, jid) REFERENCES roster_items(profile_id, jid) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX roster_groups_name ON roster_groups(profile_id, name);

-- The version of a profile's stored items; no row when the server gave none.
CREATE TABLE roster_versions (
    profile_id INTEGER PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
    version TEXT NOT NULL
);

-- Presence subscription requests from contacts, kept until answered or withdrawn.
CREATE TABLE roster_requests (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    jid TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    received_at INTEGER NOT NULL,
    PRIMARY KEY (profile_id, jid)
) WITHOUT ROWID;
