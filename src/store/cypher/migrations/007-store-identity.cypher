// Migration 007: the graph's identity, and an index of the devices with malware on record.
// One (:StoreIdentity {key: 'graph', id}) node names this graph; the event-id memory in Redis is kept per identity, so a new or wiped graph (which gets
// a new identity) never inherits the memory of another and drops nothing as a duplicate.
// inputs: none. outputs: none. Statements are separated by a line ending in ';'.
CREATE CONSTRAINT store_identity_key IF NOT EXISTS FOR (n:StoreIdentity) REQUIRE n.key IS UNIQUE;
// Devices with malware on record are few; the pipeline reads them all at once through this index
// (only such devices hold the property), never every device.
CREATE INDEX device_malware_at IF NOT EXISTS FOR (n:Device) ON (n.malwareAt);
