// The explanation of every scored session (score > 0), for the per-indicator points of the evaluation.
// inputs: none. outputs: user, explanation (JSON string of the session score: {contributions: [{indicatorId, value, …}]}).
MATCH (s:Session)
WHERE s.score > 0 AND s.explanation IS NOT NULL
RETURN s.user AS user, s.explanation AS explanation
