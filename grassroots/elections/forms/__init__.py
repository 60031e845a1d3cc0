"""Forms of the elections app: requests (requests) and the election day (election_day)."""
