"""placement/pipeline."""
