-- Many forumd nodes on one database: each node's address, one lease per
-- running session (its owner node, a fencing epoch that goes up at every
-- take-over, and an expiry on the database's clock), the summary the owner
-- last wrote for `forumctl session list` on any node, and join codes found
-- by their normalised form (forumd's NormaliseJoinCode: upper case, no
-- dashes or spaces).
CREATE TABLE nodes (
  id TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  seen TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE leases (
  session TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  owner TEXT NOT NULL,
  epoch BIGINT NOT NULL,
  expires TIMESTAMPTZ NOT NULL
);
CREATE INDEX leases_owner ON leases (owner);
CREATE INDEX leases_expires ON leases (expires);
ALTER TABLE sessions ADD COLUMN summary BYTEA NOT NULL DEFAULT '';
CREATE INDEX sessions_join_key ON sessions ((upper(replace(replace(join_code, '-', ''), ' ', ''))));
