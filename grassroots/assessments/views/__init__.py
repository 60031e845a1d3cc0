"""Pages of the assessments app: an organisation's standing and the matrix (standing);
self-assessment, review, rectification and inspection samples (assessment)."""
