"""placement/solver."""
