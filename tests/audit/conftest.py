"""The three separated administrators as fixtures for the audit tests."""

from tests.accounts.admins import auditor, secadmin, sysadmin, tongwei_sysadmin  # noqa: F401
