// Attack paths, part 2 of 3, for at most 2 hops.
// (See attack-paths-head.cypher for the whole statement's inputs and outputs.)
  MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(t:Asset)
  WHERE t.id IN $targets
  RETURN nodes(p) AS ns, relationships(p) AS rs
  UNION ALL
  MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-()-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(t:Asset)
  WHERE t.id IN $targets
  RETURN nodes(p) AS ns, relationships(p) AS rs
