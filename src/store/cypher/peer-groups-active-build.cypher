// The active peer-group build: how and when the groups in use were made.
// inputs: none. outputs: build (map of PeerGroupBuild properties); no row before the first build.
MATCH (b:PeerGroupBuild {status: 'active'})
RETURN b {.*} AS build
ORDER BY b.builtAt DESC
LIMIT 1
