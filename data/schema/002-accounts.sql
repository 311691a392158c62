-- People, roles, sessions, keys for other programs, and the activity log.
CREATE TABLE organisations (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name TEXT NOT NULL DEFAULT '',
	org_id INTEGER REFERENCES organisations(id),
	role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'member', 'viewer')),
	password TEXT NOT NULL,          -- argon2id, libsodium's encoded form
	lang TEXT NOT NULL DEFAULT 'ar',
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Only a hash of each session token is kept: a copy of the database opens no session.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at INTEGER NOT NULL,     -- unix seconds
	last_seen INTEGER NOT NULL,
	ip TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	last_used TEXT,
	revoked INTEGER NOT NULL DEFAULT 0
);

-- Failed sign-ins, to slow down guessing (per account and per address).
CREATE TABLE login_failures (
	login TEXT NOT NULL COLLATE NOCASE,
	ip TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX login_failures_login ON login_failures(login, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

CREATE TABLE audit (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	user_id INTEGER,
	login TEXT,
	ip TEXT,
	action TEXT NOT NULL,            -- signin, signin-failed, signout, upload, delete, role, export, user-add...
	target TEXT,
	detail TEXT
);
CREATE INDEX audit_at ON audit(at);
