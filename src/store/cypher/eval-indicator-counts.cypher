// Findings per indicator and user (learning and scored apart), for the evaluation's breakdown.
// inputs: none. outputs: user, indicatorId, learning (boolean), count (int).
MATCH (a:Anomaly)
RETURN a.user AS user, a.indicatorId AS indicatorId, a.learning AS learning, count(*) AS count
