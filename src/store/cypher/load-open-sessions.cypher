// The open sessions of some users, to rebuild a worker's in-memory state after a restart or
// after another process wrote the partition.
// inputs: $users [string]. outputs: session (map of properties), touched [[type, id]].
UNWIND $users AS userId
MATCH (s:Session {user: userId, status: 'OPEN'})
OPTIONAL MATCH (s)-[:TOUCHED]->(e)
RETURN s {.*} AS session, collect([head(labels(e)), e.id]) AS touched
