"""Running the system: backup and restore, the move from SQLite to
PostgreSQL, health checks (`bianzhi check`, `/healthz`) and scheduled backups."""
