"""papersurvey: review."""
