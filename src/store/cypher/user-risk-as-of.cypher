// The risk history around one instant for each of several users: the snapshot in force at
// $asOf (the latest at or before it; of several at that data time, the last recorded) and the
// first change after it (whose previous score is the score that stood until then). Each is a
// range seek on the (user, at) index (the user's snapshots before, or after, the instant) kept
// to its top row, then an equality seek for the snapshots of that instant. With the user's
// current risk, which stood at $asOf when it was computed at or before it (its later changes
// were smaller than the history keeps).
// inputs: $users [string], $asOf (epoch ms).
// outputs: userId (string), current {score, level, updatedAt, explanation}|null (null for an
//   unknown user), before {at, score, level, previousScore, reasons, recordedAt,
//   explanation (JSON string|null)}|null, next {at, previousScore}|null.
UNWIND $users AS userId
OPTIONAL MATCH (u:User {id: userId})
OPTIONAL CALL (userId) {
  MATCH (r:RiskSnapshot)
  WHERE r.user = userId AND r.at <= $asOf
  WITH r.at AS at ORDER BY at DESC LIMIT 1
  MATCH (s:RiskSnapshot)
  WHERE s.user = userId AND s.at = at
  WITH s ORDER BY coalesce(s.recordedAt, 0) DESC, s.score DESC LIMIT 1
  RETURN s {.at, .score, .level, .previousScore, .reasons, .recordedAt, .explanation} AS before
}
OPTIONAL CALL (userId) {
  MATCH (r:RiskSnapshot)
  WHERE r.user = userId AND r.at > $asOf
  WITH r.at AS at ORDER BY at ASC LIMIT 1
  MATCH (s:RiskSnapshot)
  WHERE s.user = userId AND s.at = at
  WITH s ORDER BY coalesce(s.recordedAt, 0) ASC, s.previousScore ASC LIMIT 1
  RETURN s {.at, .previousScore} AS next
}
RETURN userId,
  CASE WHEN u IS NULL THEN null
    ELSE {score: u.riskScore, level: u.riskLevel, updatedAt: u.riskUpdatedAt, explanation: u.riskExplanation} END AS current,
  before, next
