// Entities of any type by (type, key), for the API's per-request loader.
// inputs: $keys [{type: 'User'|'Device'|'Application'|'Asset', id}]. outputs: type (string),
//   entity (map of properties) per key found.
UNWIND $keys AS key
CALL (key) {
  WITH key WHERE key.type = 'User'
  MATCH (e:User {id: key.id}) RETURN e
  UNION
  WITH key WHERE key.type = 'Device'
  MATCH (e:Device {id: key.id}) RETURN e
  UNION
  WITH key WHERE key.type = 'Application'
  MATCH (e:Application {id: key.id}) RETURN e
  UNION
  WITH key WHERE key.type = 'Asset'
  MATCH (e:Asset {id: key.id}) RETURN e
}
RETURN key.type AS type, e {.*, profile: null, typicalFeatures: null} AS entity
