"""placement/export."""
