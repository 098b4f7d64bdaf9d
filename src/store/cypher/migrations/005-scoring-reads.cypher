// Migration 005: what the analyst's read API looks scoring results up by (see the scoring →
// graph contract). Anomaly ids are unique since 001 (anomaly_id). Findings are listed per user
// and per indicator newest first, and across all users by time: composite (key, at) indexes
// serve the equality seek and the order at once. No index on Anomaly.learning: a boolean
// splits findings in two and is only ever a filter after one of these seeks. Risk snapshots
// are read per user newest first; timeline chunks per session; the would-have-alerted list
// seeks sessions by shadow score.
// inputs: none. outputs: none. Statements are separated by a line ending in ';'.
CREATE INDEX anomaly_user_at IF NOT EXISTS FOR (n:Anomaly) ON (n.user, n.at);
CREATE INDEX anomaly_indicator_at IF NOT EXISTS FOR (n:Anomaly) ON (n.indicatorId, n.at);
CREATE INDEX anomaly_at IF NOT EXISTS FOR (n:Anomaly) ON (n.at);
CREATE INDEX risk_snapshot_user_at IF NOT EXISTS FOR (n:RiskSnapshot) ON (n.user, n.at);
CREATE INDEX timeline_chunk_session IF NOT EXISTS FOR (n:TimelineChunk) ON (n.sessionId);
CREATE INDEX session_shadow_score IF NOT EXISTS FOR (n:Session) ON (n.shadowScore);
