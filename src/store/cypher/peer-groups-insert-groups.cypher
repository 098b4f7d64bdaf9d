// PeerGroup nodes of a build that is being written; inactive until the build is activated.
// Fractional values go through toFloat: parameters that happen to be whole numbers arrive as
// INTEGER (see toCypherParams), and a list property must not mix INTEGER and FLOAT.
// inputs: $rows [{id, key, buildId, kind, label, algorithm, k, silhouette, builtAt, size,
//   features [string], numericFeatures [string], numericMedians [number], numericMads [number],
//   dominantDepartment, dominantDepartmentShare}]. outputs: none.
UNWIND $rows AS row
CREATE (g:PeerGroup {id: row.id})
SET g.key = row.key,
    g.buildId = row.buildId,
    g.kind = row.kind,
    g.label = row.label,
    g.algorithm = row.algorithm,
    g.k = row.k,
    g.silhouette = toFloat(row.silhouette),
    g.builtAt = row.builtAt,
    g.size = row.size,
    g.features = row.features,
    g.numericFeatures = row.numericFeatures,
    g.numericMedians = [x IN row.numericMedians | toFloat(x)],
    g.numericMads = [x IN row.numericMads | toFloat(x)],
    g.dominantDepartment = row.dominantDepartment,
    g.dominantDepartmentShare = toFloat(row.dominantDepartmentShare),
    g.active = false
