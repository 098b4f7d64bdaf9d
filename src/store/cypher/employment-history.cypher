// One page of the employment changes of each of several users, latest effective date first,
// with which change is in effect at $now.
// inputs: $users [string], $after {effectiveDate, id}|null, $limit (int), $now (epoch ms).
// outputs: userId, changes [map] (page order), currentId (string|null).
UNWIND $users AS userId
CALL (userId) {
  OPTIONAL MATCH (c:EmploymentChange)-[:FOR]->(:User {id: userId})
  WHERE c.effectiveDate <= $now
  WITH c ORDER BY c.effectiveDate DESC, c.recordedAt DESC, c.id DESC LIMIT 1
  RETURN c.id AS currentId
}
CALL (userId) {
  MATCH (c:EmploymentChange)-[:FOR]->(:User {id: userId})
  WHERE $after IS NULL OR c.effectiveDate < $after.effectiveDate
     OR (c.effectiveDate = $after.effectiveDate AND c.id < $after.id)
  WITH c ORDER BY c.effectiveDate DESC, c.id DESC LIMIT $limit
  RETURN collect(c {.*}) AS changes
}
RETURN userId, changes, currentId
