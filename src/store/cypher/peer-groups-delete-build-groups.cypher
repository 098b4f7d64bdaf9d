// Deletes up to $limit PeerGroup nodes of one build (after its edges), then, once none is
// left, the build node itself; run until it returns 0.
// inputs: $buildId (string), $prefix (string: build id + ':'), $limit (int). outputs: deleted (int).
CALL () {
  MATCH (g:PeerGroup)
  WHERE g.id STARTS WITH $prefix
  WITH g LIMIT $limit
  DETACH DELETE g
  RETURN count(*) AS deleted
}
CALL (deleted) {
  WITH deleted WHERE deleted = 0
  MATCH (b:PeerGroupBuild {id: $buildId})
  DELETE b
}
RETURN deleted
