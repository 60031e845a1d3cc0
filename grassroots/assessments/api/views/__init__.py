"""API v1 views of the assessments app: compliance and warnings (standing); assessments,
rectification tasks, inspection samples and grading policies (assessment)."""
