// The data sources the deployment has seen (indicators needing others stay inactive); adds
// $sources to the stored set. Also reads it: pass [] to load.
// inputs: $sources [string]. outputs: sources [string] (the union).
MERGE (d:DataSources {id: 'deployment'})
WITH d, coalesce(d.sources, []) AS old
SET d.sources = old + [s IN $sources WHERE NOT s IN old]
RETURN d.sources AS sources
