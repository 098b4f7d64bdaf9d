// What a newcomer will find in the console: the users with an alert whose session carries an
// explanation (the contributions behind its score), how many alerts those are, and how many
// of those users have a risk history.
// inputs: none. outputs: one row: users (int), alerts (int), withHistory (int).
MATCH (a:Alert)-[:ABOUT]->(u:User)
MATCH (a)-[:RAISED_IN]->(s:Session)
WHERE s.explanation IS NOT NULL AND size(a.reasons) > 0
WITH u, count(DISTINCT a) AS alerts
CALL (u) {
  MATCH (u)-[:HAD_RISK]->(r:RiskSnapshot)
  RETURN count(r) > 0 AS hasHistory
}
RETURN count(u) AS users, sum(alerts) AS alerts, sum(CASE WHEN hasHistory THEN 1 ELSE 0 END) AS withHistory
