// Stamps one page of users' ACCESSED edges with the share of the user's peer group that
// accessed the same entity in a build (GROUP_ACCESSED members / group size), and the build's
// id: the peer-count term of attack-path hop costs, read off the edge instead of through the
// group at query time. Run after the build was swapped in, page by page, by the stamping job
// (jobs/peer-groups.job.ts), not by the build itself: the backfill gate does not wait for it.
// The user's peer group is the one the analysis step reads (its rank-1 behaviour group, else
// its most-degree rank-1 group) among the build's groups. An edge stamped by another build, or
// created since, counts as unknown to the searches until a stamping of the active build
// reaches it.
// Only for the active build: the SET on the build node takes its write lock (held to commit)
// before its status is read again, so an activation retiring this build either waits for this
// page to commit, or this page sees the build retired and writes nothing: no edge gets an
// older build's stamp after a newer build is active. Edges already stamped by this build are
// skipped, so a stamping resumed after a crash or a retry only writes what is left.
// inputs: $buildId (string), $after (user key: the page starts after it; '' for the first),
//   $limit (int: users per page), $now (epoch ms).
// outputs: one row {users (int: users in the page), last (user key|null: the page's last),
//   edges (int: edges stamped)} while the build is active; no row when it is not.
MATCH (b:PeerGroupBuild {id: $buildId})
WHERE b.status = 'active'
SET b.peerSharesStampedAt = $now
WITH b
WHERE b.status = 'active'
CALL () {
  MATCH (u:User)
  WHERE u.id > $after
  WITH u
  ORDER BY u.id
  LIMIT $limit
  RETURN collect(u) AS page
}
CALL (page) {
  UNWIND page AS u
  CALL (u) {
    MATCH (u)-[m:MEMBER_OF]->(g:PeerGroup)
    WHERE g.buildId = $buildId AND g.active = true AND coalesce(m.rank, 1) = 1 AND g.size > 0
    RETURN g
    ORDER BY CASE WHEN g.kind = 'behaviour' THEN 0 ELSE 1 END, m.degree DESC, g.id
    LIMIT 1
  }
  MATCH (u)-[r:ACCESSED]->(e)
  WHERE r.peerBuild IS NULL OR r.peerBuild <> $buildId
  OPTIONAL MATCH (g)-[ga:GROUP_ACCESSED]->(e)
  SET r.peerShare = toFloat(coalesce(ga.members, 0)) / g.size, r.peerBuild = $buildId
  RETURN count(r) AS edges
}
RETURN size(page) AS users, CASE WHEN size(page) = 0 THEN null ELSE page[-1].id END AS last, edges
