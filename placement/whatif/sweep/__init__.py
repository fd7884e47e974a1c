"""placement/whatif/sweep."""
