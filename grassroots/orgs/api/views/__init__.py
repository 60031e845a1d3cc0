"""API v1 views of the registry (registry) and its Excel imports and exports (excel)."""
