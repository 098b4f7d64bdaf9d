// Empties the graph but keeps the record of applied schema migrations (riskgraph eval --wipe).
// Runs in an auto-commit transaction (batched deletes). inputs: none. outputs: none.
MATCH (n) WHERE NOT n:SchemaMigration
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
