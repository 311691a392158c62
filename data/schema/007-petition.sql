-- Petitions: one per filing to an authority, under a rule set (data/rules/ma/), with its
-- signatures (personal data sealed with the workspace key: src/petition/vault.h) and its
-- procedure (filing, legal dates, decision).
CREATE TABLE petitions (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
	rule TEXT NOT NULL,                  -- ma/commune, ma/province, ma/region, ma/government, ma/motion
	territory_code TEXT,                 -- HCP code of the commune, province or region (NULL: national)
	draft_id INTEGER REFERENCES drafts(id) ON DELETE SET NULL, -- the petition's text
	title TEXT NOT NULL,
	association TEXT,                    -- the association filing it, when one does
	association_since TEXT CHECK (association_since IS NULL OR association_since GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	association_members INTEGER,
	agent_name TEXT,                     -- the agent (or the association's legal representative)
	deputy_name TEXT,                    -- national petitions and motions
	committee_size INTEGER,              -- national petitions and motions
	status TEXT NOT NULL DEFAULT 'collecting'
		CHECK (status IN ('collecting', 'filed', 'accepted', 'refused', 'closed')),
	signing_open INTEGER NOT NULL DEFAULT 0, -- 1: the public signing page takes signatures
	public_key TEXT NOT NULL UNIQUE,     -- random, in the public signing page's address
	filed_on TEXT CHECK (filed_on IS NULL OR filed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	filed_channel TEXT,                  -- "paper (council office)", "eparticipation.ma"...
	receipt_number TEXT,
	decided_on TEXT CHECK (decided_on IS NULL OR decided_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	decision_reasons TEXT,
	purged_at TEXT,                      -- personal data deleted (counts kept)
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX petitions_campaign ON petitions(campaign_id);

-- One row per signature. Nothing that identifies a person is stored in clear: the sealed
-- columns hold vault_seal() output bound to "signature.<column>:<petition id>:<signature id>".
CREATE TABLE signatures (
	id INTEGER PRIMARY KEY,
	petition_id INTEGER NOT NULL REFERENCES petitions(id) ON DELETE CASCADE,
	cin_hash TEXT,                       -- vault_keyed_hash of the normalised ID number; NULL once purged
	commune_code TEXT,                   -- commune of residence (territory table), for the spread
	province_code TEXT,                  -- derived from the commune
	outside_territory INTEGER NOT NULL DEFAULT 0, -- commune petition: the signatory lives in another commune (an economic activity there qualifies too)
	channel TEXT NOT NULL CHECK (channel IN ('online', 'paper', 'import')),
	sheet INTEGER,                       -- paper: sheet number
	row_number INTEGER,                  -- paper or import: row on the sheet or in the file
	first_name BLOB,                     -- sealed
	last_name BLOB,                      -- sealed
	cin BLOB,                            -- sealed (normalised)
	address BLOB,                        -- sealed
	contact BLOB,                        -- sealed (e-mail or phone, online only, optional)
	duplicate_of INTEGER REFERENCES signatures(id) ON DELETE SET NULL, -- an earlier signature with the same ID number
	withdrawal_hash TEXT,                -- keyed hash of the withdrawal code given to an online signatory
	withdrawn_at TEXT,
	withdrawn_by TEXT,                   -- "signatory" or a coordinator's login
	signed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX signatures_petition ON signatures(petition_id);
CREATE INDEX signatures_cin ON signatures(petition_id, cin_hash);
CREATE INDEX signatures_province ON signatures(petition_id, province_code);
