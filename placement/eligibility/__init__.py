"""placement/eligibility."""
