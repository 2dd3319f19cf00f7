-- Knowledge base (engine.md §5): sources a Kin can search (text, uploaded files, URLs), cut into chunks with an
-- embedding each and a full-text index. Vectors are f32 BLOBs (the layout of memory/VectorBlob) tagged with the
-- embedding target that made them (EmbeddingService::Target::key()), so a model change finds the stale ones.
CREATE TABLE knowledge_sources (
    id TEXT PRIMARY KEY,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('file', 'text', 'url')),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'ready', 'error')),
    error_message TEXT,
    original_filename TEXT,
    mime_type TEXT,
    stored_path TEXT,
    source_url TEXT,
    raw_content TEXT,
    chunk_count INTEGER NOT NULL DEFAULT 0,
    token_count INTEGER NOT NULL DEFAULT 0,
    metadata TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX knowledge_sources_kin_idx ON knowledge_sources(kin_id, created_at);

CREATE TABLE knowledge_chunks (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES knowledge_sources(id) ON DELETE CASCADE,
    kin_id TEXT NOT NULL REFERENCES kins(id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    embedding BLOB,
    embedding_target TEXT,
    embedding_dims INTEGER,
    position INTEGER NOT NULL,
    token_count INTEGER NOT NULL,
    metadata TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX knowledge_chunks_source_idx ON knowledge_chunks(source_id, position);
CREATE INDEX knowledge_chunks_kin_idx ON knowledge_chunks(kin_id);

-- External-content FTS5 over the chunks, kept in sync by triggers (cascaded deletes fire them too).
CREATE VIRTUAL TABLE knowledge_chunks_fts USING fts5(content, content='knowledge_chunks', content_rowid='rowid');

CREATE TRIGGER knowledge_chunks_ai AFTER INSERT ON knowledge_chunks BEGIN
    INSERT INTO knowledge_chunks_fts(rowid, content) VALUES (new.rowid, new.content);
END;

CREATE TRIGGER knowledge_chunks_ad AFTER DELETE ON knowledge_chunks BEGIN
    INSERT INTO knowledge_chunks_fts(knowledge_chunks_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;

CREATE TRIGGER knowledge_chunks_au AFTER UPDATE OF content ON knowledge_chunks BEGIN
    INSERT INTO knowledge_chunks_fts(knowledge_chunks_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO knowledge_chunks_fts(rowid, content) VALUES (new.rowid, new.content);
END;
