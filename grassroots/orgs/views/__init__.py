"""Pages of the registry: organisations, members, units, terms and posts, checks (registry);
Excel templates, imports and exports (excel)."""
