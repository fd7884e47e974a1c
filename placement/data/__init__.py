"""placement/data."""
