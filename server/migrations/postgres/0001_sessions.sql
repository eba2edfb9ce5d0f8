-- The sessions, as the SQLite store keeps them (server/store_sqlite.cc):
-- one row per session, its seats, its log of actions (with the hash chain)
-- and its chat. Integers are BIGINT (64-bit seeds and hashes are stored as
-- their two's-complement value, as SQLite does).
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  join_code TEXT NOT NULL UNIQUE,
  scenario TEXT NOT NULL,
  scenario_text TEXT NOT NULL,
  seed BIGINT NOT NULL,
  options BYTEA NOT NULL,
  facilitator_hash BYTEA NOT NULL,
  created_ms BIGINT NOT NULL,
  finished_ms BIGINT NOT NULL DEFAULT 0,
  final_hash BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE seats (
  session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seat BIGINT NOT NULL,
  player TEXT NOT NULL,
  token_hash BYTEA NOT NULL,
  strategy TEXT NOT NULL,
  auto_bot BOOLEAN NOT NULL,
  PRIMARY KEY (session, seat)
);
CREATE TABLE actions (
  session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  actor BIGINT NOT NULL,
  action BYTEA NOT NULL,
  at_ms BIGINT NOT NULL,
  chain BYTEA NOT NULL,
  PRIMARY KEY (session, seq)
);
CREATE TABLE messages (
  session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  serial BIGINT NOT NULL,
  message BYTEA NOT NULL,
  at_ms BIGINT NOT NULL,
  PRIMARY KEY (session, serial)
);
CREATE INDEX sessions_created ON sessions (created_ms);
