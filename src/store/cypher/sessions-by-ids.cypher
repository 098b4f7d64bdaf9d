// Sessions by id.
// inputs: $ids [string]. outputs: session (map of Session properties, without the score
//   explanation: session-explanations reads that) per id found.
UNWIND $ids AS id
MATCH (s:Session {id: id})
RETURN s {.*, explanation: null} AS session
