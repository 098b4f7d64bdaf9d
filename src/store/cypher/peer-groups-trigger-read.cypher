// What a worker checks before analysing a batch: the record of the peer-group rebuilds asked
// for so far, the users in the graph (from the label count store) and the active build.
// inputs: none. outputs: one row: trigger (map of PeerGroupTrigger properties, or null before
//   the first batch), users (int), activeBuild (string|null).
// Run around batches of an import: not replanned as the import moves the statistics (see store/cypher.ts).
CYPHER replan=skip
OPTIONAL MATCH (t:PeerGroupTrigger {id: 'peer-groups'})
CALL () {
  MATCH (u:User)
  RETURN count(u) AS users
}
CALL () {
  OPTIONAL MATCH (b:PeerGroupBuild {status: 'active'})
  RETURN b.id AS activeBuild
  ORDER BY b.builtAt DESC
  LIMIT 1
}
RETURN t {.*} AS trigger, users, activeBuild
