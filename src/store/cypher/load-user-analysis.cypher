// Per user of a batch: HR context and rank-1 peer groups; for users in $withState (not cached
// by the worker) also the analysis state: the profile checkpoint, the stored risk, the scored
// sessions within the risk window and the findings of the user's open sessions.
// inputs: $users [string], $withState [string], $since (epoch ms: oldest session end kept).
// outputs: user, status, effectiveDate, lastDay, title, department (HR, null when unknown),
//   manager (REPORTS_TO user id|null), groups [{id, label, kind, size, degree}], watchlists [string], profile (JSON string|null), riskScore, riskLevel,
//   peakRiskScore, recent [{sessionId, score, endedAt}], open [anomaly maps]. No row for a
//   user the graph does not know yet.
UNWIND $users AS id
MATCH (u:User {id: id})
WITH u, id IN $withState AS full
RETURN u.id AS user,
       u.employmentStatus AS status, u.statusEffective AS effectiveDate, u.lastDay AS lastDay,
       u.title AS title, u.department AS department, coalesce(u.watchlists, []) AS watchlists,
       head([(u)-[:REPORTS_TO]->(m:User) | m.id]) AS manager,
       [(u)-[m:MEMBER_OF]->(g:PeerGroup) WHERE g.active = true AND coalesce(m.rank, 1) = 1
          | {id: g.id, label: g.label, kind: g.kind, size: g.size, degree: m.degree}] AS groups,
       CASE WHEN full THEN u.profile ELSE null END AS profile,
       u.riskScore AS riskScore, u.riskLevel AS riskLevel, u.peakRiskScore AS peakRiskScore,
       CASE WHEN full THEN [(s:Session)-[:OF]->(u) WHERE s.score > 0 AND coalesce(s.end, s.lastTs) >= $since
          | {sessionId: s.id, score: s.score, endedAt: coalesce(s.end, s.lastTs)}] ELSE [] END AS recent,
       CASE WHEN full THEN [(a:Anomaly)-[:IN]->(s:Session)-[:OF]->(u) WHERE s.status = 'OPEN' | a {.*}] ELSE [] END AS open
