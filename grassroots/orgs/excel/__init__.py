"""Excel import and export of organisations and members (docs/decisions/0004-excel-import.md):
`columns` (the templates), `imports`, `exports`."""
