// Migration 001: uniqueness constraints (each also an index) for every node keyed by id, and
// the indexes the ingest pipeline and the session views look up by.
// inputs: none. outputs: none. Statements are separated by a line ending in ';'.
CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT device_id IF NOT EXISTS FOR (n:Device) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT application_id IF NOT EXISTS FOR (n:Application) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT asset_id IF NOT EXISTS FOR (n:Asset) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT session_id IF NOT EXISTS FOR (n:Session) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT peer_group_id IF NOT EXISTS FOR (n:PeerGroup) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT anomaly_id IF NOT EXISTS FOR (n:Anomaly) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT alert_id IF NOT EXISTS FOR (n:Alert) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT dead_letter_id IF NOT EXISTS FOR (n:DeadLetter) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT ingest_batch_id IF NOT EXISTS FOR (n:IngestBatch) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT partition_cursor_id IF NOT EXISTS FOR (n:PartitionCursor) REQUIRE n.partition IS UNIQUE;
CREATE INDEX session_open IF NOT EXISTS FOR (n:Session) ON (n.status, n.partition);
CREATE INDEX session_user_start IF NOT EXISTS FOR (n:Session) ON (n.user, n.start);
CREATE INDEX dead_letter_at IF NOT EXISTS FOR (n:DeadLetter) ON (n.at);
CREATE INDEX ingest_batch_committed IF NOT EXISTS FOR (n:IngestBatch) ON (n.committedAt);
