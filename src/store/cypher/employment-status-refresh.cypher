// Set each user's current employment fields from their history: the change with the latest
// effective date not after $now (latest recorded wins a tie). Users whose changes all lie in
// the future keep their fields until a later refresh (see HrRepository.refreshDue).
// inputs: $users [string], $now (epoch ms). outputs: userId, currentChangeId.
UNWIND $users AS userId
MATCH (u:User {id: userId})
CALL (u) {
  MATCH (c:EmploymentChange)-[:FOR]->(u)
  WHERE c.effectiveDate <= $now
  RETURN c ORDER BY c.effectiveDate DESC, c.recordedAt DESC, c.id DESC LIMIT 1
}
SET u.employmentStatus = c.status, u.statusEffective = c.effectiveDate, u.lastDay = c.lastDay
RETURN userId, c.id AS currentChangeId
