// The assets an attack-path search ends at: the one named, or every rated (critical) asset,
// most critical first, at most $limit (the caller asks for one more than it allows, to tell
// "too many" from "exactly the limit"); plus the active peer-group build, whose stamps on
// ACCESSED edges the search trusts (see peer-share-stamp.cypher).
// inputs: $to (string|null: asset key), $critical (boolean), $limit (int).
// outputs: one row: targets [string], peerBuild (string|null).
CALL () {
  OPTIONAL MATCH (a:Asset {id: $to})
  WHERE NOT $critical
  RETURN collect(a.id) AS named
}
CALL () {
  MATCH (a:Asset)
  USING INDEX a:Asset(criticality)
  WHERE $critical AND a.criticality IS NOT NULL
  WITH a ORDER BY a.criticality DESC, a.id LIMIT $limit
  RETURN collect(a.id) AS rated
}
CALL () {
  OPTIONAL MATCH (b:PeerGroupBuild {status: 'active'})
  WITH b ORDER BY b.builtAt DESC LIMIT 1
  RETURN b.id AS peerBuild
}
RETURN CASE WHEN $critical THEN rated ELSE named END AS targets, peerBuild
