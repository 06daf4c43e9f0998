"""The index on disk and in memory: generations, their lexical and vector indexes, the embedding model.
Built on core only; ingest writes it, the assistant reads it."""
