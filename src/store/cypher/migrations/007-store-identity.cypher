// Migration 007: the graph's identity. One (:StoreIdentity {key: 'graph', id}) node names this
// graph; the event-id memory in Redis is kept per identity, so a new or wiped graph (which gets
// a new identity) never inherits the memory of another and drops nothing as a duplicate.
// inputs: none. outputs: none. Statements are separated by a line ending in ';'.
CREATE CONSTRAINT store_identity_key IF NOT EXISTS FOR (n:StoreIdentity) REQUIRE n.key IS UNIQUE;
