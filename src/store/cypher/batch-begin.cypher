// First statement of an ingest batch's write transaction: was this batch committed before (a
// worker died after committing but before acknowledging), which batch did the partition
// commit last (if not the one this process wrote, its cached state is stale), and which graph
// is this (a wiped or replaced graph has another identity: the event-id memory must follow)?
// inputs: $batchId (string), $partition (int). outputs: applied (boolean), cursor (string|null), store (string|null).
OPTIONAL MATCH (b:IngestBatch {id: $batchId})
OPTIONAL MATCH (c:PartitionCursor {partition: $partition})
OPTIONAL MATCH (g:StoreIdentity {key: 'graph'})
RETURN b IS NOT NULL AS applied, c.lastBatch AS cursor, g.id AS store
