// Migration 002: what the GraphQL API reads and writes: API keys (looked up by the hash of
// their secret), the audit trail, alerts by time, employment-status history, the risk
// leaderboard.
// inputs: none. outputs: none. Statements are separated by a line ending in ';'.
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.hash IS UNIQUE;
CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT employment_change_id IF NOT EXISTS FOR (n:EmploymentChange) REQUIRE n.id IS UNIQUE;
CREATE INDEX audit_entry_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at);
CREATE INDEX alert_raised_at IF NOT EXISTS FOR (n:Alert) ON (n.raisedAt);
CREATE INDEX alert_user IF NOT EXISTS FOR (n:Alert) ON (n.user);
CREATE INDEX employment_change_effective IF NOT EXISTS FOR (n:EmploymentChange) ON (n.effectiveDate);
CREATE INDEX user_risk_score IF NOT EXISTS FOR (n:User) ON (n.riskScore);
