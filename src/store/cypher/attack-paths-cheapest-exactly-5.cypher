// Attack paths ranked LEAST_UNUSUAL, the paths of exactly 5 hops cheaper than the bound (see
// attack-paths-longer-head.cypher), meeting in the middle: two hops from the start, 3 from the
// targets, hash-joined on the node where they meet. Runs only when the least cost a 5-hop path can
// have is under the bound (the filter on the targets keeps it from expanding at all otherwise):
// its first hop costs at least the cheapest start (`cheapestStart`), its last at least the cheapest end
// (`cheapestEnd`), and when the length forces a REPORTS_TO hop ($lowerBounds[5] > 0) it is not the last
// (the target is an asset), so a path costs at least max($lowerBounds[5], cheapestStart) + cheapestEnd. Keeps the
// $first best under the bound.
CALL (s, bound, cheapestStart, cheapestEnd) {
  MATCH (t:Asset)
  WHERE t.id IN $targets AND (bound IS NULL OR CASE WHEN $lowerBounds[5] > cheapestStart THEN $lowerBounds[5] ELSE cheapestStart END + cheapestEnd < bound)
  MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-()-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(m)
            (()-[:ACCESSED|REPORTS_TO|MEMBER_OF]-()){3,3} (t)
  USING JOIN ON m
  WITH nodes(p) AS ns, relationships(p) AS rs
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
  WHERE bound IS NULL OR cost < bound
  WITH ns, rs ORDER BY cost, size(rs), [n IN ns | elementId(n)] LIMIT $first
  RETURN collect({ns: ns, rs: rs}) AS longer
}
WITH s, kept + longer AS kept, bound, cheapestStart, cheapestEnd
