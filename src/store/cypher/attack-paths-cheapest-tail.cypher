// Attack paths ranked LEAST_UNUSUAL, the part before attack-paths-rank: the paths kept by
// attack-paths-cheapest-head and attack-paths-cheapest-exactly-L, as rows for the ranking.
// (See attack-paths-cheapest-head.cypher for the whole statement's inputs and outputs.)
CALL (kept) {
  UNWIND kept AS found
  RETURN found.ns AS ns, found.rs AS rs
