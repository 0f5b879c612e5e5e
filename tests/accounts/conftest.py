"""The three separated administrators as fixtures for the accounts tests."""

from tests.accounts.admins import auditor, secadmin, sysadmin, tongwei_sysadmin  # noqa: F401
