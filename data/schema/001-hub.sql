-- The knowledge hub: documents, their passages, the search index and legal references.
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE documents (
	id INTEGER PRIMARY KEY,
	ext_id TEXT,                 -- the id a collection gave it, if any
	hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the content: the same content is taken in once
	file TEXT,                   -- original file under files/ (content-addressed), if any
	source TEXT NOT NULL,        -- where it came from (path, or collection and line)
	format TEXT NOT NULL,
	title TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('law', 'organic-law', 'decree', 'circular', 'budget', 'plan',
		'report', 'study', 'minutes', 'petition', 'other')),
	lang TEXT NOT NULL CHECK (lang IN ('ar', 'fr', 'en')),
	issuer TEXT,
	date TEXT CHECK (date IS NULL OR date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	url TEXT,
	pages INTEGER NOT NULL DEFAULT 0,
	bytes INTEGER NOT NULL DEFAULT 0,
	added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX documents_ext_id ON documents(ext_id);
CREATE INDEX documents_kind ON documents(kind);

CREATE TABLE passages (
	id INTEGER PRIMARY KEY,
	doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,        -- order in the document, from 1
	page INTEGER NOT NULL DEFAULT 0,
	heading TEXT,                -- the section heading it falls under
	article TEXT,                -- "المادة 12", "Article 3" when the passage is (part of) an article
	text TEXT NOT NULL,
	UNIQUE (doc_id, seq)
);

-- What the index reads: the passage text, tagged with the language of its Latin words.
CREATE VIEW passage_body AS
	SELECT p.id AS id,
	       CASE d.lang WHEN 'en' THEN char(1) || 'en' || char(2) || p.text ELSE p.text END AS body
	FROM passages p JOIN documents d ON d.id = p.doc_id;

CREATE VIRTUAL TABLE passage_index USING fts5(
	body, content = 'passage_body', content_rowid = 'id', tokenize = 'asurif');

CREATE TABLE legal_refs (
	passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
	doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	number TEXT NOT NULL,
	article INTEGER,
	key TEXT NOT NULL,
	raw TEXT NOT NULL
);
CREATE INDEX legal_refs_key ON legal_refs(key);
CREATE INDEX legal_refs_number ON legal_refs(number);
CREATE INDEX legal_refs_doc ON legal_refs(doc_id);
CREATE INDEX legal_refs_passage ON legal_refs(passage_id);
