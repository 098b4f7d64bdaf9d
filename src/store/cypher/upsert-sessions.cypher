// Sessions created or changed by a batch, in their latest state, linked to their user.
// inputs: $rows [{id, user, props: {user, partition, cursor, start, lastTs, end, status,
//   closeReason, eventCount, logons, failures, webRequests, fileEvents, emails, usbEvents,
//   commands, secretCheckouts, bytesIn, bytesOut, ips, countries, distinctEntities}}]. outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MERGE (s:Session {id: row.id})
SET s += row.props
WITH s, row
MATCH (u:User {id: row.user})
MERGE (s)-[:OF]->(u)
