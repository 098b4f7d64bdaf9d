// Opens a peer-group build: the node that says how the build was made and whose status moves
// writing → active → retired. Its groups are written next, inactive, under ids prefixed by
// the build id.
// inputs: $build {id, builtAt, startedAt, algorithm, k, silhouette, users, clustered, features,
//   kmeansDimensions, projected, sampleSize, sampled, seed, reason, featureSet, featureReason, candidates (JSON string), groups}.
// outputs: none.
CREATE (b:PeerGroupBuild)
SET b = $build, b.silhouette = toFloat($build.silhouette), b.status = 'writing'
