"""Feature ingest: labelled rows as JSON or a streamed CSV, checked against the contract."""
