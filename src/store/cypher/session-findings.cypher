// One page of the findings (Anomaly nodes) of each of several sessions, in time order (ties by
// id): the order in which the analyst reads a session's story.
// inputs: $sessions [string], $learning (bool|null: only learning / only scored findings; all
//   when null), $after {at, id}|null (the same cursor for every session), $limit (int).
// outputs: sessionId (string), findings [map of Anomaly properties] (in page order).
UNWIND $sessions AS sessionId
CALL (sessionId) {
  MATCH (:Session {id: sessionId})<-[:IN]-(a:Anomaly)
  WHERE ($learning IS NULL OR coalesce(a.learning, false) = $learning)
    AND ($after IS NULL OR a.at > $after.at OR (a.at = $after.at AND a.id > $after.id))
  WITH a ORDER BY a.at, a.id LIMIT $limit
  RETURN collect(a {.*}) AS findings
}
RETURN sessionId, findings
