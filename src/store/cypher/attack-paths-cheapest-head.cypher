// Attack paths ranked LEAST_UNUSUAL, part 1 (the repository joins attack-paths-cheapest-head,
// one attack-paths-cheapest-exactly-L for each L of 4 up to maxHops, attack-paths-cheapest-tail
// and attack-paths-rank into one statement; a path length cannot be a parameter). Same answer as
// the exhaustive statement (attack-paths-head + attack-paths-within-N), found by bounding the
// search with the cost of the paths already found:
//  1. the first $first paths of 1 to 3 hops, exactly: 3-hop paths meet on the start's
//     neighbour x1 (the start's one hop joined to up to two hops from the targets), which reads
//     the targets' two-hop neighbourhood once and never the start's hubs' (a shared server's
//     thousands of accessors);
//  2. their worst cost is the bound: a longer path enters the answer only when it costs less
//     (ties go to the shorter path). Each longer length L runs only when its lower bound
//     $lowerBounds[L] (analytics/attack-paths.ts: a REPORTS_TO hop that the length forces) is
//     below the bound, and keeps only the paths under it; with fewer than $first short paths
//     there is no bound and every length runs.
// inputs: those of attack-paths-head, plus $lowerBounds [float] (index L: the least cost of any
//   path of L hops from this start to an asset).
// outputs: those of attack-paths-head.
CALL () {
  MATCH (a:User {id: $fromKey}) WHERE $fromType = 'User' RETURN a AS s
  UNION
  MATCH (a:Device {id: $fromKey}) WHERE $fromType = 'Device' RETURN a AS s
}
CALL (s) {
  CALL (s) {
    MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(t:Asset)
    WHERE t.id IN $targets
    RETURN nodes(p) AS ns, relationships(p) AS rs
    UNION ALL
    MATCH (t:Asset) WHERE t.id IN $targets
    MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(x1) (()-[:ACCESSED|REPORTS_TO|MEMBER_OF]-()){1,2} (t)
    USING JOIN ON x1
    RETURN nodes(p) AS ns, relationships(p) AS rs
  }
  WITH ns, rs
  WHERE all(i IN range(1, size(ns) - 1) WHERE NOT ns[i] IN ns[0..i])
    AND all(n IN ns WHERE NOT n:PeerGroup OR n.active = true)
  WITH ns, rs, reduce(c = 0.0, r IN rs | c + CASE type(r)
      WHEN 'ACCESSED' THEN
          1.0 / (1 + coalesce(r.count, 0))
        + 1.0 - coalesce(CASE WHEN r.peerBuild = $peerBuild THEN toFloat(r.peerShare) END, $weights.unknownPeerShare)
        + CASE WHEN r.lastSeen IS NULL OR $now - r.lastSeen >= $weights.staleMs THEN 1.0
               WHEN r.lastSeen >= $now THEN 0.0
               ELSE toFloat($now - r.lastSeen) / $weights.staleMs END
      WHEN 'REPORTS_TO' THEN toFloat($weights.reportsTo)
      ELSE $weights.peerBase + 1.0 - coalesce(toFloat(r.degree), 0.0)
    END) AS cost
  ORDER BY cost, size(rs), [n IN ns | elementId(n)]
  LIMIT $first
  RETURN collect({ns: ns, rs: rs, cost: cost}) AS short
}
WITH s, short, CASE WHEN size(short) < $first THEN null ELSE short[-1].cost END AS bound
CALL (s, short, bound) {
  UNWIND short AS found
  RETURN found.ns AS ns, found.rs AS rs
