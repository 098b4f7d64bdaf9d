// First statement of an ingest batch's write transaction: was this batch committed before (a
// worker died after committing but before acknowledging), and which batch did the partition
// commit last (if not the one this process wrote, its cached state is stale)?
// inputs: $batchId (string), $partition (int). outputs: applied (boolean), cursor (string|null).
OPTIONAL MATCH (b:IngestBatch {id: $batchId})
OPTIONAL MATCH (c:PartitionCursor {partition: $partition})
RETURN b IS NOT NULL AS applied, c.lastBatch AS cursor
