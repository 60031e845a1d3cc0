"""The API of the campaigns, by part (see services)."""
