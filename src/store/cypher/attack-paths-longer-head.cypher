// Attack paths ranked LEAST_UNUSUAL, the second statement: the paths of 4 hops or more that cost
// less than $bound (the $first-th best path of up to 3 hops, from attack-paths-cheapest-head; null
// when it found fewer: then every longer path counts). The repository joins this part, one
// attack-paths-cheapest-exactly-L for each L of 4 up to maxHops, attack-paths-cheapest-tail and
// attack-paths-rank, and runs it only when some length can have a path under the bound.
// (A statement of its own: joined to the first one's subqueries, the longer paths' hash join ran
// out of transaction memory, 716 MiB, on paths that need 8 MiB alone.)
// Each length's bound on the least cost of its paths needs the cheapest first and last hops.
// inputs: those of attack-paths-head, plus $bound (float|null) and $lowerBounds [float] (index
//   L: the least cost that L hops force, analytics/attack-paths.ts pathLowerBounds).
// outputs: those of attack-paths-head.
CALL () {
  MATCH (a:User {id: $fromKey}) WHERE $fromType = 'User' RETURN a AS s
  UNION
  MATCH (a:Device {id: $fromKey}) WHERE $fromType = 'Device' RETURN a AS s
}
CALL (s) {
  MATCH (s)-[r:ACCESSED|REPORTS_TO|MEMBER_OF]-(x1)
  WHERE NOT x1:PeerGroup OR x1.active = true
  RETURN min(CASE type(r)
      WHEN 'ACCESSED' THEN
          1.0 / (1 + coalesce(r.count, 0))
        + 1.0 - coalesce(CASE WHEN r.peerBuild = $peerBuild THEN toFloat(r.peerShare) END, $weights.unknownPeerShare)
        + CASE WHEN r.lastSeen IS NULL OR $now - r.lastSeen >= $weights.staleMs THEN 1.0
               WHEN r.lastSeen >= $now THEN 0.0
               ELSE toFloat($now - r.lastSeen) / $weights.staleMs END
      WHEN 'REPORTS_TO' THEN toFloat($weights.reportsTo)
      ELSE $weights.peerBase + 1.0 - coalesce(toFloat(r.degree), 0.0)
    END) AS cheapestStart
}
CALL (s) {
  MATCH (t:Asset) WHERE t.id IN $targets
  MATCH (t)-[r:ACCESSED|REPORTS_TO|MEMBER_OF]-(m)
  WHERE m <> s AND (NOT m:PeerGroup OR m.active = true)
  RETURN min(CASE type(r)
      WHEN 'ACCESSED' THEN
          1.0 / (1 + coalesce(r.count, 0))
        + 1.0 - coalesce(CASE WHEN r.peerBuild = $peerBuild THEN toFloat(r.peerShare) END, $weights.unknownPeerShare)
        + CASE WHEN r.lastSeen IS NULL OR $now - r.lastSeen >= $weights.staleMs THEN 1.0
               WHEN r.lastSeen >= $now THEN 0.0
               ELSE toFloat($now - r.lastSeen) / $weights.staleMs END
      WHEN 'REPORTS_TO' THEN toFloat($weights.reportsTo)
      ELSE $weights.peerBase + 1.0 - coalesce(toFloat(r.degree), 0.0)
    END) AS cheapestEnd
}
WITH s, $bound AS bound, cheapestStart, cheapestEnd, [] AS kept
