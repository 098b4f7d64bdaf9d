// HR directory records: user attributes, employment status, and the REPORTS_TO edge.
// inputs: $rows [{userId, name, email, department, title, manager, location, status,
//   effectiveDate, lastDay}] (absent fields null; times epoch ms). outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (u:User {id: row.userId})
SET u.name = coalesce(row.name, u.name),
    u.email = coalesce(row.email, u.email),
    u.department = coalesce(row.department, u.department),
    u.title = coalesce(row.title, u.title),
    u.location = coalesce(row.location, u.location),
    u.employmentStatus = coalesce(row.status, u.employmentStatus),
    u.statusEffective = CASE WHEN row.status IS NULL THEN u.statusEffective ELSE row.effectiveDate END,
    u.lastDay = CASE WHEN row.status IS NULL THEN u.lastDay ELSE row.lastDay END
WITH u, row
WHERE row.manager IS NOT NULL AND row.manager <> row.userId
MERGE (m:User {id: row.manager})
WITH u, m
OPTIONAL MATCH (u)-[old:REPORTS_TO]->(other:User) WHERE other <> m
DELETE old
MERGE (u)-[:REPORTS_TO]->(m)
