// Users by key, for the API's per-request loader.
// inputs: $ids [string]. outputs: user (map of User properties) per id found.
UNWIND $ids AS id
MATCH (u:User {id: id})
RETURN u {.*} AS user
