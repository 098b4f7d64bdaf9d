// Attack paths, part 2 of 3, for at most 1 hop: the target itself next to the start.
// (See attack-paths-head.cypher for the whole statement's inputs and outputs.)
  MATCH p = (s)-[:ACCESSED|REPORTS_TO|MEMBER_OF]-(t:Asset)
  WHERE t.id IN $targets
  RETURN nodes(p) AS ns, relationships(p) AS rs
