"""One function per state change of a campaign, by part: `campaigns` (setup, stages,
quotas, checks), `applications` (applying, the review chain, ranking, inspections),
`notices` (public notice, objections, surveys, seed 004 grading), `titles` (decision,
naming, titles after naming, the filing register). Each checks who may make it
(`grassroots.core.access`), that the state allows it and the data it needs, then applies it
in a transaction; simple-history keeps who changed what. Errors are
`ValidationError({field: Chinese message})`, as everywhere."""
