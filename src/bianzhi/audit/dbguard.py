"""Triggers that make the database itself refuse UPDATE and DELETE on the
audit trail and the login history, whatever client connects (a DBA's psql,
a script with the application's password, a bug that bypasses the models).

Created by migration ``audit.0003``; on PostgreSQL a TRUNCATE is refused as
well. Only dropping the trigger (the table owner's privilege) lifts it: a
deployment runs the application with a database role that does not own the
tables (docs/security.md).
"""

from __future__ import annotations

TABLES = ("audit_auditrecord", "audit_loginevent")
MESSAGE = "audit records are append-only (bianzhi)"


def create_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [
            "CREATE OR REPLACE FUNCTION bianzhi_audit_refuse() RETURNS trigger AS $$ "
            # No "%" in the text: the migration passes it through a DB-API cursor.
            f"BEGIN RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_OP || ' ' || TG_TABLE_NAME; "
            "END; "
            "$$ LANGUAGE plpgsql"
        ]
        for table in TABLES:
            statements += [
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION bianzhi_audit_refuse()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bianzhi_audit_refuse()",
            ]
        return statements
    if vendor == "sqlite":
        statements = []
        for table in TABLES:
            for op in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )
        return statements
    return []


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = []
        for table in TABLES:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            ]
        return [*statements, "DROP FUNCTION IF EXISTS bianzhi_audit_refuse()"]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{op} ON {table}".replace(f" ON {table}", "")
            for table in TABLES
            for op in ("update", "delete")
        ]
    return []
