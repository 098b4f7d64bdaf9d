// The graph's identity, created on first use (a new graph, or one wiped since): the scope of
// the event-id memory (queue/dedup.ts).
// inputs: $id (a fresh UUID, used only when the graph has none yet), $now (epoch ms). outputs: id (string).
MERGE (g:StoreIdentity {key: 'graph'})
ON CREATE SET g.id = $id, g.createdAt = $now
RETURN g.id AS id
