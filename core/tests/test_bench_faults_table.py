"""The table of ``make faults`` (bench/faults_table.py): every row's figures, the lost ones
summed, a row with nothing lost printed as 0 and one with no recovery as a dash."""

import importlib.util
from pathlib import Path

import pytest

TABLE = Path(__file__).resolve().parents[2] / "bench" / "faults_table.py"


@pytest.fixture(scope="module")
def faults_table():
    spec = importlib.util.spec_from_file_location("faults_table", TABLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ROWS = [
    {
        "fault": "kill -9 of one gunicorn worker",
        "sent": 1196,
        "answered": 1186,
        "counted": 1195,
        "logged": 1195,
        "lost": 0,
        "mismatched": 0,
        "recovery": 0.06,
    },
    {
        "fault": "SMTP down 10 s, then back (20 e-mails)",
        "sent": 20,
        "answered": 19,
        "counted": 19,
        "logged": 19,
        "lost": 1,
        "recovery": None,
    },
]


def test_lost_sums_lost_work_and_miscounted_stamps(faults_table):
    assert faults_table.lost(ROWS) == 1
    assert faults_table.lost([dict(ROWS[0], mismatched=2)]) == 2
    assert faults_table.lost([]) == 0


def test_table_has_a_line_per_row_with_every_column(faults_table):
    lines = faults_table.table(ROWS).splitlines()
    assert lines[0] == "| fault | sent | answered | counted | logged | lost | recovery |"
    assert lines[2] == (
        "| kill -9 of one gunicorn worker | 1,196 | 1,186 | 1,195 | 1,195 | **0** | 0.06 s |"
    )
    assert lines[3].endswith("| 20 | 19 | 19 | 19 | **1** | — |")
    assert len(lines) == 2 + len(ROWS)
