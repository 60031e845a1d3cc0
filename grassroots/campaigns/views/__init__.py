"""The pages of the campaigns, by part (see services)."""
