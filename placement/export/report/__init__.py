"""placement/export/report."""
