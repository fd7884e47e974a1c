"""placement/whatif."""
