// Delete listed values of one kind.
// inputs: $kind ('IP' | 'DOMAIN'), $values [string] (normalised, distinct).
// outputs: removed (int: values that were listed).
UNWIND $values AS value
MATCH (t:ThreatIntelEntry {kind: $kind, value: value})
DELETE t
RETURN count(*) AS removed
