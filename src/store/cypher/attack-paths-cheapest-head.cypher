// Attack paths ranked LEAST_UNUSUAL, the paths of up to 3 hops (the repository joins this part,
// attack-paths-cheapest-tail and attack-paths-rank; the longer paths are a second statement,
// attack-paths-longer-head). The same answer as the exhaustive statement (attack-paths-head +
// attack-paths-within-N), found by bounding the search with the cost of the paths already found
// (hop costs as in attack-paths-rank.cypher, each ≥ 0):
//  1. The start's hops and the targets' hops, each costed once ("starts": s–x1, "ends": m–t,
//     cheapest first). They give the paths of 1 hop (s–t) and 2 hops (s–x1–t, x1 both a start
//     and an end).
//  2. 3-hop paths s–x1–m–t meet on the middle hop x1–m, read from the end's side (m: a user
//     who made the access, ~100 relationships) and kept where x1 is one of the start's
//     neighbours, so the start's hubs (a shared server's thousands of accessors) are never
//     expanded. First from the 4 × $first cheapest ends ("probe"): with the 1- and 2-hop
//     paths, the $first-th best cost so far is the bound (no bound when fewer were found). Then
//     from the other ends, only where end + cheapest start ≤ bound, and only through the
//     starts with start + end ≤ bound: a path can cost no less than its first and last hops.
//     Ties at the bound are kept (the order breaks them by length, then node ids).
//  3. The $first best of all these are the answer's paths of up to 3 hops; the worst of them
//     bounds the longer ones (attack-paths-longer-head.cypher).
// inputs and outputs: those of attack-paths-head.
CALL () {
  MATCH (a:User {id: $fromKey}) WHERE $fromType = 'User' RETURN a AS s
  UNION
  MATCH (a:Device {id: $fromKey}) WHERE $fromType = 'Device' RETURN a AS s
}
CALL (s) {
  CALL (s) {
    MATCH (s)-[r:ACCESSED|REPORTS_TO|MEMBER_OF]-(x1)
    WHERE NOT x1:PeerGroup OR x1.active = true
    WITH x1, r, CASE type(r)
        WHEN 'ACCESSED' THEN
            1.0 / (1 + coalesce(r.count, 0))
          + 1.0 - coalesce(CASE WHEN r.peerBuild = $peerBuild THEN toFloat(r.peerShare) END, $weights.unknownPeerShare)
          + CASE WHEN r.lastSeen IS NULL OR $now - r.lastSeen >= $weights.staleMs THEN 1.0
                 WHEN r.lastSeen >= $now THEN 0.0
                 ELSE toFloat($now - r.lastSeen) / $weights.staleMs END
        WHEN 'REPORTS_TO' THEN toFloat($weights.reportsTo)
        ELSE $weights.peerBase + 1.0 - coalesce(toFloat(r.degree), 0.0)
      END AS c
    ORDER BY c
    RETURN collect({x: x1, r: r, c: c}) AS starts
  }
  CALL (s) {
    MATCH (t:Asset) WHERE t.id IN $targets
    MATCH (t)-[r:ACCESSED|REPORTS_TO|MEMBER_OF]-(m)
    WHERE m <> s AND (NOT m:PeerGroup OR m.active = true)
    WITH t, m, r, CASE type(r)
        WHEN 'ACCESSED' THEN
            1.0 / (1 + coalesce(r.count, 0))
          + 1.0 - coalesce(CASE WHEN r.peerBuild = $peerBuild THEN toFloat(r.peerShare) END, $weights.unknownPeerShare)
          + CASE WHEN r.lastSeen IS NULL OR $now - r.lastSeen >= $weights.staleMs THEN 1.0
                 WHEN r.lastSeen >= $now THEN 0.0
                 ELSE toFloat($now - r.lastSeen) / $weights.staleMs END
        WHEN 'REPORTS_TO' THEN toFloat($weights.reportsTo)
        ELSE $weights.peerBase + 1.0 - coalesce(toFloat(r.degree), 0.0)
      END AS c
    ORDER BY c
    RETURN collect({t: t, m: m, r: r, c: c}) AS ends
  }
  WITH s, starts, ends, [a IN starts | a.x] AS near, 4 * $first AS probe
  // 1 and 2 hops.
  WITH s, starts, ends, near, probe,
       [a IN starts WHERE a.x:Asset AND a.x.id IN $targets | {ns: [s, a.x], rs: [a.r], cost: a.c}]
     + reduce(acc = [], b IN [b IN ends WHERE b.m IN near] |
         acc + [a IN starts WHERE a.x = b.m AND a.r <> b.r | {ns: [s, a.x, b.t], rs: [a.r, b.r], cost: a.c + b.c}]) AS near2
  // 3 hops from the cheapest ends.
  CALL (s, starts, ends, near, probe) {
    UNWIND ends[0..probe] AS b
    WITH b, b.m AS m
    MATCH (m)-[r2:ACCESSED|REPORTS_TO|MEMBER_OF]-(x1)
    WHERE x1 IN near AND x1 <> b.t AND r2 <> b.r
    WITH b, m, r2, x1, CASE type(r2)
        WHEN 'ACCESSED' THEN
            1.0 / (1 + coalesce(r2.count, 0))
          + 1.0 - coalesce(CASE WHEN r2.peerBuild = $peerBuild THEN toFloat(r2.peerShare) END, $weights.unknownPeerShare)
          + CASE WHEN r2.lastSeen IS NULL OR $now - r2.lastSeen >= $weights.staleMs THEN 1.0
                 WHEN r2.lastSeen >= $now THEN 0.0
                 ELSE toFloat($now - r2.lastSeen) / $weights.staleMs END
        WHEN 'REPORTS_TO' THEN toFloat($weights.reportsTo)
        ELSE $weights.peerBase + 1.0 - coalesce(toFloat(r2.degree), 0.0)
      END AS c2
    UNWIND [a IN starts WHERE a.x = x1 AND a.r <> r2] AS a
    WITH [s, x1, m, b.t] AS ns, [a.r, r2, b.r] AS rs, a.c + c2 + b.c AS cost
    ORDER BY cost, [n IN ns | elementId(n)]
    LIMIT $first
    RETURN collect({ns: ns, rs: rs, cost: cost}) AS probed
  }
  CALL (near2, probed) {
    UNWIND near2 + probed AS found
    WITH found ORDER BY found.cost, size(found.rs), [n IN found.ns | elementId(n)] LIMIT $first
    RETURN collect(found) AS best
  }
  WITH s, starts, ends, near, probe, best, CASE WHEN size(best) < $first THEN null ELSE best[-1].cost END AS bound
  // 3 hops from the other ends, under the bound.
  CALL (s, starts, ends, probe, bound) {
    UNWIND ends[probe..] AS b
    WITH b WHERE bound IS NULL OR b.c + starts[0].c <= bound
    WITH b, b.m AS m, [a IN starts WHERE bound IS NULL OR a.c + b.c <= bound] AS cheap
    WITH b, m, cheap, [a IN cheap | a.x] AS cheapNear
    MATCH (m)-[r2:ACCESSED|REPORTS_TO|MEMBER_OF]-(x1)
    WHERE x1 IN cheapNear AND x1 <> b.t AND r2 <> b.r
    WITH b, m, r2, x1, cheap, CASE type(r2)
        WHEN 'ACCESSED' THEN
            1.0 / (1 + coalesce(r2.count, 0))
          + 1.0 - coalesce(CASE WHEN r2.peerBuild = $peerBuild THEN toFloat(r2.peerShare) END, $weights.unknownPeerShare)
          + CASE WHEN r2.lastSeen IS NULL OR $now - r2.lastSeen >= $weights.staleMs THEN 1.0
                 WHEN r2.lastSeen >= $now THEN 0.0
                 ELSE toFloat($now - r2.lastSeen) / $weights.staleMs END
        WHEN 'REPORTS_TO' THEN toFloat($weights.reportsTo)
        ELSE $weights.peerBase + 1.0 - coalesce(toFloat(r2.degree), 0.0)
      END AS c2
    UNWIND [a IN cheap WHERE a.x = x1 AND a.r <> r2] AS a
    WITH [s, x1, m, b.t] AS ns, [a.r, r2, b.r] AS rs, a.c + c2 + b.c AS cost
    WHERE bound IS NULL OR cost <= bound
    ORDER BY cost, [n IN ns | elementId(n)]
    LIMIT $first
    RETURN collect({ns: ns, rs: rs, cost: cost}) AS rest
  }
  CALL (best, rest) {
    UNWIND best + rest AS found
    WITH found ORDER BY found.cost, size(found.rs), [n IN found.ns | elementId(n)] LIMIT $first
    RETURN collect(found) AS short
  }
  RETURN short
}
WITH short AS kept
