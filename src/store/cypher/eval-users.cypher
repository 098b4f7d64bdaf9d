// Every user with their current and peak risk (0 when never scored), for the evaluation.
// inputs: none. outputs: user, riskScore (float), peakRiskScore (float).
MATCH (u:User)
RETURN u.id AS user, coalesce(u.riskScore, 0.0) AS riskScore, coalesce(u.peakRiskScore, u.riskScore, 0.0) AS peakRiskScore
