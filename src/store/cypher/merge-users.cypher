// Users seen in a batch, with their activity span and event count.
// inputs: $rows [{id, first, last, events}] (times epoch ms). outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (u:User {id: row.id})
SET u.firstSeen = CASE WHEN u.firstSeen IS NULL OR row.first < u.firstSeen THEN row.first ELSE u.firstSeen END,
    u.lastSeen = CASE WHEN u.lastSeen IS NULL OR row.last > u.lastSeen THEN row.last ELSE u.lastSeen END,
    u.eventCount = coalesce(u.eventCount, 0) + row.events
