// Record one applied schema migration.
// inputs: $version (int), $name (string), $now (epoch ms). outputs: none.
MERGE (m:SchemaMigration {version: $version})
ON CREATE SET m.name = $name, m.appliedAt = $now
