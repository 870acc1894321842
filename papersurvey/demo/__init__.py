"""The built-in example: synthetic addresses, answers and scans for ``papersurvey demo``."""
