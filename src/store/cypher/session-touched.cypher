// One page of the entities each of several sessions touched, most-touched first (then by type
// and key).
// inputs: $sessions [string], $after {count, type, key}|null, $limit (int).
// outputs: sessionId (string), touched [{type, entity, count}] (in page order).
UNWIND $sessions AS sessionId
CALL (sessionId) {
  MATCH (:Session {id: sessionId})-[t:TOUCHED]->(e)
  WITH e, t.count AS count, head(labels(e)) AS type
  WHERE $after IS NULL OR count < $after.count
     OR (count = $after.count AND (type > $after.type OR (type = $after.type AND e.id > $after.key)))
  WITH e, count, type ORDER BY count DESC, type, e.id LIMIT $limit
  RETURN collect({type: type, entity: e {.*}, count: count}) AS touched
}
RETURN sessionId, touched
