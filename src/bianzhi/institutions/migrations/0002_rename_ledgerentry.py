# Issue 11 (one name per concept): the institution ledger's entry model says
# whose ledger it is, beside townships.QuotaLedgerEntry (the township's
# approved quota). Only the model's name changes: the table keeps its name,
# so nothing is moved in a database of an earlier release.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel("LedgerEntry", "InstitutionLedgerEntry"),
                migrations.AlterModelTable("InstitutionLedgerEntry", "institutions_ledgerentry"),
            ],
        ),
    ]
