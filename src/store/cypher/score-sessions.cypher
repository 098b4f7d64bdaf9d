// Scores and explanations of sessions rescored by a batch.
// inputs: $rows [{id, score, shadowScore, explanation (JSON string), scoredAt, anomalyCount}].
// outputs: none.
CYPHER replan=skip
UNWIND $rows AS row
MATCH (s:Session {id: row.id})
SET s.score = toFloat(row.score),
    s.shadowScore = toFloat(row.shadowScore),
    s.explanation = row.explanation,
    s.scoredAt = row.scoredAt,
    s.anomalyCount = row.anomalyCount
