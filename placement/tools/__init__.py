"""placement/tools."""
