"""Background jobs on a database-backed queue (no broker needed on SQLite)."""
