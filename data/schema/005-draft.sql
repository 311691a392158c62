-- Drafts of documents (petitions, opinions, memoranda) and every saved version of them.
CREATE TABLE drafts (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	type TEXT NOT NULL,
	lang TEXT NOT NULL CHECK (lang IN ('ar', 'fr')),
	title TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'final', 'submitted')),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX drafts_campaign ON drafts(campaign_id);

CREATE TABLE draft_versions (
	draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
	n INTEGER NOT NULL,              -- 1, 2, ... in the order they were saved
	user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	author TEXT NOT NULL,            -- the name shown, kept if the account goes
	at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	status TEXT NOT NULL,
	note TEXT,                       -- "status: review" when only the status changed
	fields TEXT NOT NULL CHECK (json_valid(fields)),
	PRIMARY KEY (draft_id, n)
) WITHOUT ROWID;
