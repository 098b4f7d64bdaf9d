// Attack paths, part 2 of 3, for at most 3 hops. Paths of 3 or more hops meet in the middle:
// two hops expanded from the start, up to 1 from the targets, joined on the node where
// they meet (a hash join: each side is expanded once, instead of expanding 3 hops from the
// start, whose fan-out multiplies at every hop).
// (See attack-paths-head.cypher for the whole statement's inputs and outputs.)
  MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(t:Asset)
  WHERE t.id IN $targets
  RETURN nodes(p) AS ns, relationships(p) AS rs
  UNION ALL
  MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-()-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(t:Asset)
  WHERE t.id IN $targets
  RETURN nodes(p) AS ns, relationships(p) AS rs
  UNION ALL
  MATCH (t:Asset) WHERE t.id IN $targets
  MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-()-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(m)
            (()-[:ACCESSED|REPORTS_TO|MEMBER_OF]-()){1,1} (t)
  USING JOIN ON m
  RETURN nodes(p) AS ns, relationships(p) AS rs
