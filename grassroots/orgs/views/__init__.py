"""Pages of the registry: organisations, members, units, terms and posts, checks (registry);
units recorded under the organisation that covers them (units); Excel templates, imports and
exports (excel)."""
