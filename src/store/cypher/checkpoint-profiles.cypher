// Behaviour profile checkpoints (and each user's typical session values, which the peer
// statistics read).
// inputs: $rows [{user, profile (JSON string), typical (JSON string), at (epoch ms)}]. outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MATCH (u:User {id: row.user})
SET u.profile = row.profile, u.typicalFeatures = row.typical, u.profileAt = row.at
