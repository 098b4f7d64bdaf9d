// Attack paths ranked LEAST_UNUSUAL, the paths of exactly 6 hops cheaper than the bound (see
// attack-paths-cheapest-head.cypher), meeting in the middle: two hops from the start, 4 from the
// targets, hash-joined on the node where they meet. Runs only when the least cost of a 6-hop path
// ($lowerBounds[6]) is under the bound; the filter on the targets keeps it from expanding at all
// otherwise.
  UNION ALL
  MATCH (t:Asset)
  WHERE t.id IN $targets AND (bound IS NULL OR $lowerBounds[6] < bound)
  MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-()-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(m)
            (()-[:ACCESSED|REPORTS_TO|MEMBER_OF]-()){4,4} (t)
  USING JOIN ON m
  WITH bound, nodes(p) AS ns, relationships(p) AS rs
  WHERE all(i IN range(1, size(ns) - 1) WHERE NOT ns[i] IN ns[0..i])
    AND all(n IN ns WHERE NOT n:PeerGroup OR n.active = true)
  WITH bound, ns, rs, reduce(c = 0.0, r IN rs | c + CASE type(r)
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
  RETURN ns, rs
