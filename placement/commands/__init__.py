"""placement/commands."""
