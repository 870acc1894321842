"""papersurvey: ingest."""
