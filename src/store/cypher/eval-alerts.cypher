// Every alert with the start of the session that raised it (null for user alerts without one).
// inputs: none. outputs: user, session, start (epoch ms|null), severity.
MATCH (a:Alert)
OPTIONAL MATCH (s:Session {id: a.session})
RETURN a.user AS user, a.session AS session, s.start AS start, a.severity AS severity
