// The login-decision state of one page of users, in key order (the risk-state cache's start-up
// load and periodic reload): the stored risk score, the HR status on the User node and the
// user's latest recorded employment changes (so a change that falls due between reloads is
// already known), and the recent login context: devices the user accessed (not only failed at)
// and the IPs and countries of their recent sessions. A subquery ending in collect() returns one row even when
// nothing matches, so users without history stay in the page.
// inputs: $after (string; '' for the first page), $limit (int), $since (epoch ms: older
//   context is ignored), $maxDevices (int), $maxSessions (int), $maxChanges (int).
// outputs: user {id, riskScore, employmentStatus, statusEffective, lastDay},
//   changes [{status, effectiveDate, lastDay, recordedAt}] newest effective first,
//   devices [[id, lastSeen]], sessions [{lastTs, ips, countries}].
MATCH (u:User)
WHERE u.id > $after
WITH u ORDER BY u.id LIMIT $limit
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
ORDER BY u.id
