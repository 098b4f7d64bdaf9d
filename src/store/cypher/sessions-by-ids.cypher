// Sessions by id.
// inputs: $ids [string]. outputs: session (map of Session properties) per id found.
UNWIND $ids AS id
MATCH (s:Session {id: id})
RETURN s {.*} AS session
