// Which schema migrations are applied.
// inputs: none. outputs: version (int) per applied migration.
MATCH (m:SchemaMigration) RETURN m.version AS version
