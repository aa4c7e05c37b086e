"""`groundswell trigger-count`: a trigger ballot from a CSV of section votes, all or nothing."""

import json

import pytest
from django.core.management import CommandError, call_command


def test_a_third_of_branches_triggers_and_the_report_is_by_section(tmp_path, capsys):
    f = tmp_path / "trigger.csv"
    f.write_text(
        "section,kind,for,against\nDerby North,branch,40,12\nDerby South,branch,3,30\n"
        "Amber Valley,branch,10,10\nGMB,affiliate,0,4\n"
    )
    call_command("trigger_count", str(f), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["triggered"] is True
    assert report["kinds"]["branch"] == {"sections": 3, "yes": 1, "needed": 1, "met": True}
    assert [s["says_yes"] for s in report["sections"]] == [False, False, True, False]


def test_a_higher_threshold_is_not_met(tmp_path, capsys):
    f = tmp_path / "trigger.csv"
    f.write_text("section,kind,for,against\nA,branch,5,1\nB,branch,1,5\nC,branch,1,5\n")
    call_command("trigger_count", str(f), "--threshold", "branch=1/2")
    assert "No selection is triggered." in capsys.readouterr().out


def test_a_bad_row_counts_nothing_and_names_file_line_and_field(tmp_path):
    f = tmp_path / "trigger.csv"
    f.write_text("section,kind,for,against\nA,branch,5,1\nB,branch,-2,5\nC,brnach,1,5\n")
    with pytest.raises(CommandError, match=r"trigger.csv: line 3: for: a whole number"):
        call_command("trigger_count", str(f))
    f.write_text("section,kind,for,against\nA,branch,5,1\nC,brnach,1,5\n")
    with pytest.raises(CommandError, match=r"section 'C': kind 'brnach' has no threshold"):
        call_command("trigger_count", str(f))
