"""`groundswell import-payments`: the same file twice records it once; a bad file says where."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from groundswell.lifecycle.models import Payment
from tests.lifecycle import samples

pytestmark = pytest.mark.django_db


def test_import_payments_twice_records_once(tmp_path):
    f = tmp_path / "gc.csv"
    f.write_bytes(samples.GOCARDLESS)
    out = StringIO()
    call_command("import_payments", str(f), "--format", "gocardless", stdout=out)
    assert "4 row(s) recorded: 0 matched, 4 for matching by hand" in out.getvalue()
    out = StringIO()
    call_command("import_payments", str(f), "--format", "gocardless", stdout=out)
    assert "already imported" in out.getvalue() and Payment.objects.count() == 4


def test_a_bad_file_names_line_and_field(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_bytes(samples.GOCARDLESS.replace(b"paid_out,MD000AAA1", b"paid_up,MD000AAA1"))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_payments", str(f), "--format", "gocardless", stderr=err)
    assert f"{f}: line 2: status: 'paid_up' is not a GoCardless payment status" in err.getvalue()
    assert Payment.objects.count() == 0
