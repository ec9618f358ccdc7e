package store

import "database/sql"

// PoolStats are the database/sql statistics of the store's connection
// pools, by name: "write" (the one writer) and "read" on SQLite, "shared"
// on PostgreSQL, where readers and writers share one pool. For /metrics.
func (s *Store) PoolStats() map[string]sql.DBStats {
	if s.read == s.write {
		return map[string]sql.DBStats{"shared": s.write.Stats()}
	}
	return map[string]sql.DBStats{"write": s.write.Stats(), "read": s.read.Stats()}
}
