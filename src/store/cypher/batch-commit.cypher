// Last statement of an ingest batch's write transaction: the batch marker that makes a retry of
// the same job a no-op, and the partition cursor.
// inputs: $batchId (string), $partition (int), $events (int), $now (epoch ms). outputs: none.
MERGE (c:PartitionCursor {partition: $partition})
SET c.lastBatch = $batchId, c.updatedAt = $now
CREATE (:IngestBatch {id: $batchId, partition: $partition, events: $events, committedAt: $now})
