// Compare-and-set of the peer-group trigger record: applied only when the record is still at
// the version the caller decided on ($seq; 0 when there was none), so of the workers that see
// the same batch boundary at once exactly one asks for the rebuild. The SET of lockedAt takes
// the node's write lock before seq is compared (concurrent claims queue behind it and then see
// the winner's seq).
// inputs: $seq (int), $next {firstDataTime, dataTime, users, jobId, reason, requestedAt}
//   (values of the new record; null keeps none), $now (epoch ms).
// outputs: one row {seq} (the new version) when applied, no row when another worker was first.
// Run around batches of an import: not replanned as the import moves the statistics (see store/cypher.ts).
CYPHER replan=skip
MERGE (t:PeerGroupTrigger {id: 'peer-groups'})
ON CREATE SET t.seq = 0
SET t.lockedAt = $now
WITH t
WHERE t.seq = $seq
SET t += $next, t.seq = $seq + 1
RETURN t.seq AS seq
