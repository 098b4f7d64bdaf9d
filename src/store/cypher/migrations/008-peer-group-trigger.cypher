// Migration 008: the record of the peer-group rebuilds that ingestion asked for.
// One (:PeerGroupTrigger {id: 'peer-groups'}) node, shared by every worker process: the data
// time and user count of the last rebuild asked for and the job that makes it (see
// store/peer-group-trigger.repository.ts). Unique, so concurrent first batches make one.
// inputs: none. outputs: none. Statements are separated by a line ending in ';'.
CREATE CONSTRAINT peer_group_trigger_id IF NOT EXISTS FOR (n:PeerGroupTrigger) REQUIRE n.id IS UNIQUE;
