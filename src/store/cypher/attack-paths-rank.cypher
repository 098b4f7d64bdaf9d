// Attack paths, the last part (after attack-paths-within-N, or attack-paths-cheapest-tail; rows
// ns, rs: a candidate path's nodes and relationships): keep simple paths (through active peer
// groups), cost each hop, rank, then explain the paths kept. Hop cost (≥ 0; the higher, the more
// unusual the hop for the user whose behaviour it is: the user end of ACCESSED and MEMBER_OF, the
// user left on REPORTS_TO):
//   ACCESSED   1/(1 + count)                      the user has rarely made this access
//            + (1 − peer share)                   few of the user's peers make it ($weights.unknownPeerShare
//                                                 stands in when the active peer-group build has not stamped it)
//            + min(1, (now − lastSeen) / staleMs) not made lately
//   REPORTS_TO $weights.reportsTo                 a move to the manager or to a report
//   MEMBER_OF  $weights.peerBase + (1 − degree)   a move through a peer group, cheaper for its core members
// The explanation returns the same terms per hop, so it is the ranking's own arithmetic. Risk
// (the highest risk score of an account on the path after the start) is read only to rank by it
// and for the paths kept.
// (See attack-paths-head.cypher for the whole statement's inputs and outputs.)
}
WITH ns, rs
WHERE all(i IN range(1, size(ns) - 1) WHERE NOT ns[i] IN ns[0..i])
  AND all(n IN ns WHERE NOT n:PeerGroup OR n.active = true)
WITH ns, rs, [r IN rs | CASE type(r)
    WHEN 'ACCESSED' THEN
        1.0 / (1 + coalesce(r.count, 0))
      + 1.0 - coalesce(CASE WHEN r.peerBuild = $peerBuild THEN toFloat(r.peerShare) END, $weights.unknownPeerShare)
      + CASE WHEN r.lastSeen IS NULL OR $now - r.lastSeen >= $weights.staleMs THEN 1.0
             WHEN r.lastSeen >= $now THEN 0.0
             ELSE toFloat($now - r.lastSeen) / $weights.staleMs END
    WHEN 'REPORTS_TO' THEN toFloat($weights.reportsTo)
    ELSE $weights.peerBase + 1.0 - coalesce(toFloat(r.degree), 0.0)
  END] AS costs
WITH ns, rs, costs, reduce(c = 0.0, x IN costs | c + x) AS cost,
     CASE WHEN $rankBy = 'RISKIEST'
          THEN reduce(m = -1.0, n IN ns[1..] | CASE WHEN n:User AND n.riskScore > m THEN toFloat(n.riskScore) ELSE m END)
          ELSE 0.0 END AS rankRisk
// Ties (equal cost and length) in a stable order without reading a property of every
// candidate's nodes: by their element ids (a candidate set can hold tens of thousands of paths).
ORDER BY rankRisk DESC, cost, size(rs), [n IN ns | elementId(n)]
LIMIT $first
RETURN cost,
       reduce(m = null, n IN ns[1..] | CASE WHEN n:User AND n.riskScore IS NOT NULL AND (m IS NULL OR n.riskScore > m) THEN toFloat(n.riskScore) ELSE m END) AS risk,
       [n IN ns | {type: head(labels(n)), entity: n {.*, profile: null, typicalFeatures: null}}] AS nodes,
       [i IN range(0, size(rs) - 1) | {relationship: type(rs[i]),
          fromType: head(labels(ns[i])), fromKey: ns[i].id, toType: head(labels(ns[i + 1])), toKey: ns[i + 1].id,
          actor: CASE WHEN type(rs[i]) = 'REPORTS_TO' THEN ns[i].id ELSE startNode(rs[i]).id END,
          count: rs[i].count, lastSeen: rs[i].lastSeen, degree: rs[i].degree,
          peerShare: CASE WHEN type(rs[i]) = 'ACCESSED' AND rs[i].peerBuild = $peerBuild THEN toFloat(rs[i].peerShare) END,
          staleness: CASE WHEN type(rs[i]) <> 'ACCESSED' THEN null
                          WHEN rs[i].lastSeen IS NULL OR $now - rs[i].lastSeen >= $weights.staleMs THEN 1.0
                          WHEN rs[i].lastSeen >= $now THEN 0.0
                          ELSE toFloat($now - rs[i].lastSeen) / $weights.staleMs END,
          cost: costs[i]}] AS hops
