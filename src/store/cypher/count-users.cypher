// How many users the graph knows (0 means an empty graph, e.g. for loading the demo).
// inputs: none. outputs: users (int).
MATCH (u:User) RETURN count(u) AS users
