// List values of one kind; a value listed before gets the new source, time and principal.
// inputs: $kind ('IP' | 'DOMAIN'), $values [string] (normalised, distinct), $source (list name),
//   $by (principal id), $now (epoch ms).
// outputs: added (int: values not listed before).
UNWIND $values AS value
OPTIONAL MATCH (old:ThreatIntelEntry {kind: $kind, value: value})
WITH value, old IS NULL AS isNew
MERGE (t:ThreatIntelEntry {kind: $kind, value: value})
SET t.source = $source, t.addedAt = $now, t.addedBy = $by
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS added
