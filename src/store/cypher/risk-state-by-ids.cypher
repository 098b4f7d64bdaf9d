// The login-decision state of the given users (a user the risk-state cache does not hold yet,
// or one whose HR data changed): the same projection as risk-state-page (devices only failed
// at do not count as known). Keys with no User node return nothing.
// inputs: $ids [string], $since (epoch ms: older context is ignored), $maxDevices (int),
//   $maxSessions (int), $maxChanges (int).
// outputs: user {id, riskScore, employmentStatus, statusEffective, lastDay},
//   changes [{status, effectiveDate, lastDay, recordedAt}] newest effective first,
//   devices [[id, lastSeen]], sessions [{lastTs, ips, countries}].
UNWIND $ids AS id
MATCH (u:User {id: id})
CALL (u) {
  MATCH (c:EmploymentChange)-[:FOR]->(u)
  WITH c ORDER BY c.effectiveDate DESC, c.recordedAt DESC LIMIT $maxChanges
  RETURN collect(c {.status, .effectiveDate, .lastDay, .recordedAt}) AS changes
}
CALL (u) {
  MATCH (u)-[r:ACCESSED]->(d:Device)
  WHERE r.lastSeen >= $since AND r.count > coalesce(r.failures, 0)
  WITH d, r ORDER BY r.lastSeen DESC LIMIT $maxDevices
  RETURN collect([d.id, r.lastSeen]) AS devices
}
CALL (u) {
  MATCH (s:Session)
  WHERE s.user = u.id AND s.start >= $since
  WITH s ORDER BY s.lastTs DESC LIMIT $maxSessions
  RETURN collect(s {.lastTs, .ips, .countries}) AS sessions
}
RETURN u {.id, .riskScore, .employmentStatus, .statusEffective, .lastDay} AS user,
       changes, devices, sessions
