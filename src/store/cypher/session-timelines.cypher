// The timeline chunks of each of several sessions (one per session per ingested batch), in
// sequence order. Events are JSON inside each chunk, so the page is cut by the repository
// after parsing; chunks are capped per batch, which bounds what one session holds.
// inputs: $sessions [string].
// outputs: sessionId (string), chunks [{seq (int), events (JSON string), omitted (int)}].
UNWIND $sessions AS sessionId
CALL (sessionId) {
  MATCH (c:TimelineChunk {sessionId: sessionId})
  WITH c ORDER BY c.seq
  RETURN collect({seq: c.seq, events: c.events, omitted: coalesce(c.omitted, 0)}) AS chunks
}
RETURN sessionId, chunks
