// Attack paths, part 1 of 3 (the repository joins attack-paths-head, one
// attack-paths-within-N and attack-paths-rank into one statement; the hop bound cannot be a
// parameter, so each bound N has its own middle part).
// The simple paths of at most N hops from a user or device to any of the target assets over
// ACCESSED, REPORTS_TO and MEMBER_OF (either direction; MEMBER_OF through active peer groups
// only), ranked by the cost of their hops (how unusual each hop is for the user whose
// behaviour it is) or by the risk of the accounts on the way; the first $first of them.
// inputs: $fromType ('User'|'Device'), $fromKey (string), $targets [string] (Asset keys),
//   $first (int 1–20), $rankBy ('LEAST_UNUSUAL'|'RISKIEST'), $now (epoch ms),
//   $peerBuild (string|null: the active peer-group build; peer shares stamped by another
//   build count as unknown), $weights {unknownPeerShare, staleMs, reportsTo, peerBase}.
// outputs: cost (float), risk (float|null), nodes [{type, entity}], hops [{relationship, fromType,
//   fromKey, toType, toKey, actor (user key|null), count, lastSeen, peerShare, degree, cost}].
CALL () {
  MATCH (a:User {id: $fromKey}) WHERE $fromType = 'User' RETURN a AS s
  UNION
  MATCH (a:Device {id: $fromKey}) WHERE $fromType = 'Device' RETURN a AS s
}
CALL (s) {
