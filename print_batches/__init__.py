"""papersurvey: print_batches."""
