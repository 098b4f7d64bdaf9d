// Migration 003: the index a worker uses to reload a user's open sessions (load-open-sessions:
// equality on user and status). The (status, partition) index of 001 cannot seek by user.
// inputs: none. outputs: none.
CREATE INDEX session_user_status IF NOT EXISTS FOR (n:Session) ON (n.user, n.status);
