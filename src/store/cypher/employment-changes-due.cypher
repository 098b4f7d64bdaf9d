// Users with an employment change that took effect in ($since, $now]: their current fields
// need a refresh.
// inputs: $since (epoch ms), $now (epoch ms). outputs: userId (string).
MATCH (c:EmploymentChange)
WHERE c.effectiveDate > $since AND c.effectiveDate <= $now
RETURN DISTINCT c.userId AS userId
