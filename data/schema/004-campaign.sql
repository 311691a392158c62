-- Campaigns: the case file of an advocacy campaign (src/campaign/). Its goal, themes, target
-- and territory; the evidence pinned from the hub (with a copy of the passage, so the file
-- outlives the document and can move to another workspace); the barriers, the
-- recommendations that answer them, the stakeholders and the timeline.
-- Allowed values are checked here and, with messages a person can act on, in campaign.c.

-- Themes a workspace works on; the three of the programme to begin with.
CREATE TABLE themes (
	key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 2 AND 32 AND key GLOB '[a-z]*' AND key NOT GLOB '*[^a-z0-9-]*'),
	name_ar TEXT NOT NULL,
	name_fr TEXT NOT NULL,
	name_en TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO themes(key, name_ar, name_fr, name_en) VALUES
	('training', 'التكوين', 'Formation', 'Training'),
	('finance', 'التمويل', 'Financement', 'Finance'),
	('procurement', 'الصفقات العمومية', 'Marchés publics', 'Public procurement');

CREATE TABLE campaigns (
	id INTEGER PRIMARY KEY,
	title TEXT NOT NULL CHECK (title <> ''),
	goal TEXT NOT NULL DEFAULT '',
	level TEXT CHECK (level IS NULL OR level IN ('commune', 'province', 'region', 'national')),
	territory_code TEXT,             -- a code of regions, provinces or communes, as the level says
	target TEXT NOT NULL DEFAULT '', -- the authority addressed ("مجلس جماعة أزيلال")
	status TEXT NOT NULL DEFAULT 'preparing' CHECK (status IN ('preparing', 'active', 'won', 'closed')),
	start_date TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	end_date TEXT CHECK (end_date IS NULL OR end_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	org_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL, -- the lead organisation
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE campaign_themes (
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	theme_key TEXT NOT NULL REFERENCES themes(key) ON UPDATE CASCADE,
	pos INTEGER NOT NULL,            -- in the order given
	PRIMARY KEY (campaign_id, theme_key)
);
CREATE INDEX campaign_themes_theme ON campaign_themes(theme_key);

CREATE TABLE campaign_members (
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('lead', 'member', 'observer')),
	PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_members_user ON campaign_members(user_id);

-- A passage pinned to the evidence board. passage_id is the live link (NULL once the
-- document is removed); the other columns are the copy taken when it was pinned.
CREATE TABLE evidence (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	passage_id INTEGER REFERENCES passages(id) ON DELETE SET NULL,
	doc_title TEXT NOT NULL,
	doc_issuer TEXT,
	doc_date TEXT,
	doc_kind TEXT NOT NULL,
	doc_hash TEXT NOT NULL,          -- the document's SHA-256: finds the passage again in another workspace
	seq INTEGER NOT NULL,            -- with the passage's place in it
	page INTEGER NOT NULL DEFAULT 0,
	article TEXT,
	text TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	pinned_by TEXT,                  -- the login of who pinned it
	pinned_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX evidence_campaign ON evidence(campaign_id);
CREATE INDEX evidence_passage ON evidence(passage_id); -- removing a document looks here for each passage

CREATE TABLE barriers (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	title TEXT NOT NULL CHECK (title <> ''),
	description TEXT NOT NULL DEFAULT '',
	affected TEXT NOT NULL DEFAULT '', -- who is affected
	severity TEXT NOT NULL DEFAULT 'medium' CHECK (severity IN ('low', 'medium', 'high')),
	theme_key TEXT REFERENCES themes(key) ON UPDATE CASCADE ON DELETE SET NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX barriers_campaign ON barriers(campaign_id);

CREATE TABLE barrier_evidence (
	barrier_id INTEGER NOT NULL REFERENCES barriers(id) ON DELETE CASCADE,
	evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
	PRIMARY KEY (barrier_id, evidence_id)
);
CREATE INDEX barrier_evidence_evidence ON barrier_evidence(evidence_id);

CREATE TABLE recommendations (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	text TEXT NOT NULL CHECK (text <> ''),
	authority TEXT NOT NULL DEFAULT '', -- to whom it is addressed
	priority TEXT NOT NULL DEFAULT 'medium' CHECK (priority IN ('high', 'medium', 'low')),
	feasibility TEXT NOT NULL DEFAULT 'medium' CHECK (feasibility IN ('easy', 'medium', 'hard')),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX recommendations_campaign ON recommendations(campaign_id);

CREATE TABLE recommendation_barriers (
	recommendation_id INTEGER NOT NULL REFERENCES recommendations(id) ON DELETE CASCADE,
	barrier_id INTEGER NOT NULL REFERENCES barriers(id) ON DELETE CASCADE,
	PRIMARY KEY (recommendation_id, barrier_id)
);
CREATE INDEX recommendation_barriers_barrier ON recommendation_barriers(barrier_id);

CREATE TABLE stakeholders (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	name TEXT NOT NULL CHECK (name <> ''),
	type TEXT NOT NULL DEFAULT 'other' CHECK (type IN ('council', 'ministry', 'administration', 'association',
		'business', 'media', 'donor', 'other')),
	power INTEGER NOT NULL DEFAULT 3 CHECK (power BETWEEN 1 AND 5),
	interest INTEGER NOT NULL DEFAULT 3 CHECK (interest BETWEEN 1 AND 5),
	position TEXT NOT NULL DEFAULT 'neutral' CHECK (position IN ('ally', 'neutral', 'opponent')),
	notes TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX stakeholders_campaign ON stakeholders(campaign_id);

-- The timeline: meetings, submissions, answers.
CREATE TABLE campaign_events (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	type TEXT NOT NULL DEFAULT 'other' CHECK (type IN ('meeting', 'submission', 'answer', 'other')),
	title TEXT NOT NULL CHECK (title <> ''),
	notes TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX campaign_events_campaign ON campaign_events(campaign_id, date);
