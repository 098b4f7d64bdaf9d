// Builds whose groups can be deleted: retired ones, and builds still 'writing' that were made
// before the active build (they can never be activated: a crashed or refused recomputation).
// A build still 'writing' and made after the active one may be in progress and is kept.
// inputs: none. outputs: id (string) per build.
OPTIONAL MATCH (active:PeerGroupBuild {status: 'active'})
WITH max(active.builtAt) AS activeBuiltAt
MATCH (b:PeerGroupBuild)
WHERE b.status = 'retired' OR (b.status = 'writing' AND activeBuiltAt IS NOT NULL AND b.builtAt < activeBuiltAt)
RETURN b.id AS id
ORDER BY b.builtAt
