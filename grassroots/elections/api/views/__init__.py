"""API v1 views of the elections app: workflows (establishment, general and by-elections),
the election tally and the reminders."""
