// The manager (REPORTS_TO) of each user.
// inputs: $ids [string]. outputs: userId (string), manager (map of User properties).
UNWIND $ids AS id
MATCH (:User {id: id})-[:REPORTS_TO]->(m:User)
RETURN id AS userId, m {.*, profile: null, typicalFeatures: null} AS manager
