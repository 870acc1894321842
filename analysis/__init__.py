"""papersurvey: analysis."""
