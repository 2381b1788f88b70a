-- Which embedding model computed memories.vector (TextEmbedder.MODEL_NAME). The indexer computes a vector of another
-- model again, from the admitted text, without screening it again (docs/memory.md, "Embedding model"). Every vector
-- stored before this column was the float all-MiniLM-L6-v2's.
ALTER TABLE memories ADD COLUMN vector_model VARCHAR(64);
UPDATE memories SET vector_model = 'all-MiniLM-L6-v2' WHERE vector IS NOT NULL;

-- Start-up queues the memories with another model's vector, except those already queued (a restart before the indexer
-- got through them must not queue them twice): that check looks tasks up by memory.
CREATE INDEX memory_outbox_by_memory ON memory_outbox (memory_id);
