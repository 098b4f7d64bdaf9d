// The stored score explanations of sessions (fusion's SessionScore as a JSON string, written by
// score-sessions), for the API's per-request loader. Kept out of the session projections so
// that lists of sessions do not carry every explanation's evidence.
// inputs: $ids [string]. outputs: sessionId (string), explanation (JSON string) per scored
//   session found; no row for an unknown or unscored session.
UNWIND $ids AS sessionId
MATCH (s:Session {id: sessionId})
WHERE s.explanation IS NOT NULL
RETURN sessionId, s.explanation AS explanation
