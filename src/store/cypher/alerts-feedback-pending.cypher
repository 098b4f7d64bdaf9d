// Analyst verdicts not yet fed back into the trigger statistics: resolved alerts whose
// resolution differs from the one last applied, with the explanation of their session.
// inputs: $limit (int). outputs: id, user, resolution, explanation (JSON string|null).
MATCH (a:Alert)
WHERE a.status = 'RESOLVED' AND a.resolution IS NOT NULL AND coalesce(a.feedbackApplied, '') <> a.resolution
OPTIONAL MATCH (s:Session {id: a.session})
RETURN a.id AS id, a.user AS user, a.resolution AS resolution, s.explanation AS explanation
ORDER BY a.resolvedAt
LIMIT $limit
