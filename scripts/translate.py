"""Fill Vietnamese translations from JSON files, then compile the catalogues.

    .venv/bin/python scripts/translate.py locale/vi/pending/*.json

Each JSON file maps an English msgid to its Vietnamese text; a msgid with a context is
written ``"context\\u0004msgid"``; a plural entry maps to a list ``[singular, plural]``
(Vietnamese has one form; both are filled with it if one string is given). Run
``make messages`` first so that new msgids are in the catalogue. Prints what is still
untranslated. Safe to run from several shells at once (it takes a lock).
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/vi/LC_MESSAGES/django.po"


def fill(po: polib.POFile, table: dict) -> int:
    changed = 0
    for entry in po:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if key not in table:
            continue
        value = table[key]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            if not entry.msgstr_plural.get(0) or "fuzzy" in entry.flags:
                entry.msgstr_plural = {0: forms[0]}
                changed += 1
        elif not entry.msgstr or "fuzzy" in entry.flags:
            entry.msgstr = value
            changed += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    return changed


def main(paths: list[str]) -> int:
    with open(ROOT / "var/messages.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        po = polib.pofile(str(PO), wrapwidth=79)
        table = {}
        for path in paths:
            table.update(json.loads(Path(path).read_text(encoding="utf-8")))
        changed = fill(po, table)
        po.save()
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "-v0"],
            cwd=ROOT,
            check=True,
        )
    missing = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    print(f"filled {changed}; still untranslated or fuzzy: {len(missing)}")
    for msgid in missing:
        print("  ", msgid[:100].replace("\n", " "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
