"""Old rules for old dossiers: each dossier is scored on the criteria of its filing day
(Decision 26/2026/QĐ-TTg, Art. 12), never silently on another version (issue 14 §2)."""

import datetime as dt
import shutil

import pytest
import yaml
from django.urls import reverse

from evaluation.catalogue.loading import DATA_DIR
from evaluation.catalogue.tools import extract
from evaluation.councils import CouncilSession, Evaluation
from evaluation.rules.versions import version_in_force
from evaluation.services import load_criteria
from evaluation.tests.test_councils import board, open_session  # noqa: F401 (fixture)

D = dt.date
VERSIONS = [
    ("qd26-2026", D(2026, 5, 22)),
    ("qd148-2023", D(2023, 2, 24)),
    ("qd1048-2019", D(2019, 8, 21)),
]
REFERENCE = DATA_DIR.parent / "reference" / "decision-26-2026-QD-TTg.txt"


@pytest.mark.parametrize(
    ("filed", "code"),
    [
        (D(2026, 12, 7), "qd26-2026"),
        (D(2026, 5, 22), "qd26-2026"),  # the day Decision 26/2026 took effect (Art. 11)
        (D(2026, 5, 21), "qd148-2023"),  # filed the day before: the old rules (Art. 12(2))
        (D(2023, 2, 24), "qd148-2023"),
        (D(2023, 2, 23), "qd1048-2019"),
        (D(2019, 8, 20), None),  # before any known version
    ],
)
def test_the_version_in_force_on_the_filing_day(filed, code):
    assert version_in_force(VERSIONS, filed) == code
    assert version_in_force(reversed(VERSIONS), filed) == code


def _filed(dossier, day):
    type(dossier).objects.filter(pk=dossier.pk).update(submitted_on=day)
    dossier.refresh_from_db()
    return dossier


@pytest.mark.django_db
def test_an_old_dossier_is_refused_plainly_when_its_criteria_are_not_loaded(board, client):  # noqa: F811
    _filed(board.dossier_x, D(2026, 5, 10))
    with pytest.raises(Exception) as refused:
        open_session(board)
    message = refused.value.messages[0]
    assert "10/05/2026" in message and "148/QĐ-TTg" in message
    assert not CouncilSession.objects.exists() and not Evaluation.objects.exists()
    # the council screen says so before anyone tries, and the form refuses the same
    client.force_login(board.office)
    page = client.get(reverse("evaluation:council_detail", args=[board.council.pk]))
    warnings = page.content.decode().split('data-testid="unscorable"')[1:]
    assert len(warnings) == 1 and "148/QĐ-TTg" in warnings[0]
    assert str(board.dossier_x.product) in warnings[0]


@pytest.mark.django_db
def test_a_new_dossier_is_scored_on_the_current_criteria(board):  # noqa: F811
    _filed(board.dossier_x, D(2026, 5, 22))
    evaluation = open_session(board).evaluations.get()
    assert evaluation.sheet.version.code == "qd26-2026"


@pytest.mark.django_db
def test_an_earlier_versions_catalogue_built_with_the_tooling_loads_and_scores_old_dossiers(
    board,  # noqa: F811
    tmp_path,
):
    """The loader accepts a catalogue of Decision 148 built by the same extraction tool (here
    from the 26/2026 transcript, standing in for 148's text, which is not in the repository);
    an old dossier is then scored on it, a new one still on 26/2026."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    folder = data / "qd148-2023"
    folder.mkdir()
    shutil.copy(data / "qd26-2026" / "appendix-1.yaml", folder / "appendix-1.yaml")
    assert (
        extract.main(["generate", str(REFERENCE), "--version", "qd148-2023", "--data", str(folder)])
        == 0
    )
    for path in sorted(folder.glob("set-*.yaml")):  # the forced corrections, recorded again
        sheet = yaml.safe_load(path.read_text(encoding="utf-8"))
        current = yaml.safe_load((data / "qd26-2026" / path.name).read_text(encoding="utf-8"))
        sheet["corrections"] = current.get("corrections") or []
        path.write_text(extract.dump_sheet(sheet), encoding="utf-8")
    assert (
        extract.main(
            [
                "generate",
                str(REFERENCE),
                "--version",
                "qd148-2023",
                "--data",
                str(folder),
                "--force",
            ]
        )
        == 0
    )
    assert (
        extract.main(["check", str(REFERENCE), "--version", "qd148-2023", "--data", str(folder)])
        == 0
    )
    versions = (data / "versions.yaml").read_text(encoding="utf-8")
    marker = "  - code: qd148-2023"
    head, tail = versions.split(marker)
    (data / "versions.yaml").write_text(
        head + marker + tail.replace("has_sheets: false", "has_sheets: true", 1), "utf-8"
    )
    report = load_criteria(data)
    assert report.sheets_created == 26

    old = _filed(board.dossier_x, D(2026, 5, 10))
    new = _filed(board.dossier_y, D(2026, 6, 1))
    session = open_session(board, dossiers=[old, new])
    used = {e.dossier_id: e.sheet.version.code for e in session.evaluations.all()}
    assert used == {old.pk: "qd148-2023", new.pk: "qd26-2026"}
