// Users by key, for the API's per-request loader.
// inputs: $ids [string]. outputs: user (map of User properties) per id found. The pipeline's profile checkpoint blobs are left out (large).
UNWIND $ids AS id
MATCH (u:User {id: id})
RETURN u {.*, profile: null, typicalFeatures: null} AS user
