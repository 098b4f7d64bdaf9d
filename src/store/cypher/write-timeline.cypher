// A batch's events of each session, compact and capped, as one TimelineChunk per session.
// inputs: $rows [{sessionId, seq (first event time), events (JSON string), omitted (int)}].
// outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MATCH (s:Session {id: row.sessionId})
CREATE (c:TimelineChunk {sessionId: row.sessionId, seq: row.seq, events: row.events, omitted: row.omitted})
CREATE (c)-[:OF]->(s)
