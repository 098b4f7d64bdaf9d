// Swaps a fully written build in, in one transaction: its groups become active and the groups
// of the build active until now inactive, so readers (who follow active groups only) see the
// old grouping or the new one, never a mix. Refused when the build is no longer 'writing' or
// a build made later is already active (a slower concurrent recomputation loses).
// The lock node serialises concurrent activations: its SET takes a write lock held until
// commit, before the active builds are read.
// inputs: $buildId (string), $now (epoch ms). outputs: one row {activated: true} when
//   activated, no row when refused.
MERGE (lock:PeerGroupBuildLock {id: 'peer-groups'})
SET lock.at = $now
WITH lock
MATCH (b:PeerGroupBuild {id: $buildId})
WHERE b.status = 'writing'
OPTIONAL MATCH (newer:PeerGroupBuild {status: 'active'})
WHERE newer.builtAt > b.builtAt
WITH b, count(newer) AS newer
WHERE newer = 0
CALL (b) {
  MATCH (old:PeerGroupBuild {status: 'active'})
  SET old.status = 'retired', old.retiredAt = $now
  WITH old
  MATCH (g:PeerGroup)
  WHERE g.id STARTS WITH old.id + ':'
  SET g.active = false
}
CALL (b) {
  MATCH (g:PeerGroup)
  WHERE g.id STARTS WITH b.id + ':'
  SET g.active = true
}
SET b.status = 'active', b.activatedAt = $now
RETURN true AS activated
