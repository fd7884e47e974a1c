"""placement/roster."""
