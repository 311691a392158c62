-- The language model: passage embeddings for vector search, and what the model wrote.
-- (Settings are rows of meta: "ai.base_url", "ai.chat_model", "ai.embed_model".)

-- One embedding per passage and model, quantised to signed bytes: value = q * scale.
CREATE TABLE passage_vectors (
	passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
	model TEXT NOT NULL,
	dim INTEGER NOT NULL CHECK (dim > 0),
	scale REAL NOT NULL,
	vec BLOB NOT NULL CHECK (length(vec) = dim),
	PRIMARY KEY (passage_id, model)
) WITHOUT ROWID;
CREATE INDEX passage_vectors_model ON passage_vectors(model);

-- Everything the model wrote that was kept: an answer, a summary, proposed barriers, a
-- drafted or translated section. It stays marked as generated until a person edits or
-- approves it (reviewed_at, reviewed_by).
CREATE TABLE ai_outputs (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('answer', 'summary', 'barriers', 'section', 'translation')),
	campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
	doc_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
	draft_id INTEGER REFERENCES drafts(id) ON DELETE SET NULL,
	user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	model TEXT NOT NULL,
	prompt TEXT NOT NULL CHECK (json_valid(prompt)),     -- the messages sent, as JSON
	passages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(passages)), -- [{"n", "passage_id"}]
	output TEXT NOT NULL,
	at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	status TEXT NOT NULL DEFAULT 'generated' CHECK (status IN ('generated', 'edited', 'approved', 'rejected')),
	reviewed_by TEXT,
	reviewed_at TEXT
);
CREATE INDEX ai_outputs_campaign ON ai_outputs(campaign_id);
