"""placement/export/lrmx."""
