// Migration 006: the fusion context inputs administrators set (asset criticality, user
// watchlists). Both are properties present only on the few rated assets and watchlisted users
// (clearing removes them), so an index scan of `IS NOT NULL` reads just those nodes: listing
// critical assets or watchlists never scans every Asset or User. Range indexes hold list values,
// so `User.watchlists` (a list of names) is indexed too.
// inputs: none. outputs: none. Statements are separated by a line ending in ';'.
CREATE INDEX asset_criticality IF NOT EXISTS FOR (n:Asset) ON (n.criticality);
CREATE INDEX user_watchlists IF NOT EXISTS FOR (n:User) ON (n.watchlists);
