"""Extract and re-check the Appendix II score sheets of Decision 26/2026/QĐ-TTg.

A development tool, not used at run time. The YAML files under
``evaluation/catalogue/data/qd26-2026/`` are the source of truth; this script only

* ``generate``: bootstraps ``set-NN.yaml`` from the transcript, re-applying the corrections
  already recorded in the existing data files (never overwrites without ``--force``);
* ``check``: re-parses the transcript, applies every correction recorded in the data and
  reports each field where the data and the legal text disagree. An empty report means every
  deviation from the transcript is a recorded correction. Remarks (doubts about printed
  values) change nothing, so they need no re-applying: the data holds the printed value.

Usage::

    python -m evaluation.catalogue.tools.extract check  path/to/decision-26-2026-QD-TTg.txt
    python -m evaluation.catalogue.tools.extract generate path/to/... [--force]
    python -m evaluation.catalogue.tools.extract generate path/to/decision-148.txt \
        --version qd148-2023      # an earlier decision: data/qd148-2023/ with its appendix-1
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from evaluation.catalogue.loading import DATA_DIR, load_product_sets
from evaluation.catalogue.raw import apply_correction, iter_nodes

VERSION = "qd26-2026"
SHEET_DIR = DATA_DIR / VERSION

STARS = re.compile(r"\s*((?:\*\s*){3,5})\s*")
PART = re.compile(r"^(?:Phần|PHẦN)\s+([ABC])\s*:?\s*(.*?)\s*\((\d+)\s*[Đđ]iểm\)\s*\|\s*(\S.*)$")
NODE = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(.*?)\s*\|\s*(\S.*)$")
CASE = re.compile(r"^([a-z])\.\s+(Trường hợp \d+:.*)$")

# Notes that exclude a product (or stop the evaluation) become rejection grounds too.
NOTE_GROUNDS = [
    ("nhập khẩu hoặc không rõ nguồn gốc", "imported_or_unknown_raw_materials"),
    ("giống hệt sản phẩm", "copied_product"),
    ("vi phạm sở hữu trí tuệ", "ip_infringement"),
    ("tạp chất", "unsafe_impurities"),
    ("0 điểm tại một trong các chỉ tiêu", "zero_sensory_score"),
    ("Phiếu công bố sản phẩm", "no_product_declaration"),
    ("tính phổ biến", "common_product_without_distinction"),
]

GROUND_TEXTS = {
    "forged_dossier": "Giả mạo hồ sơ",
    "food_safety_certificate": "Không tuân thủ đầy đủ các quy định về giấy chứng nhận cơ sở "
    "đủ điều kiện an toàn thực phẩm",
    "production_conditions_certificate": "Không tuân thủ đầy đủ các quy định về giấy chứng "
    "nhận cơ sở đủ điều kiện sản xuất sản phẩm (GMP hoặc tương đương)",
    "production_conditions": "Không có đủ điều kiện bắt buộc để sản xuất sản phẩm theo quy "
    "định quản lý chuyên ngành",
    "production_licence": "Không có giấy phép sản xuất theo quy định",
    "quality_declaration_labelling_advertising": "Không đáp ứng quy định về bản đăng ký công "
    "bố chất lượng sản phẩm, ghi nhãn sản phẩm, quảng cáo sản phẩm",
    "product_declaration": "Không có bản công bố sản phẩm (hoặc tương đương)",
    "registration_dossier": "Không đáp ứng quy định về hồ sơ đăng ký",
}

DOSSIER_GROUNDS = [
    ("Giả mạo hồ sơ", "forged_dossier"),
    ("an toàn thực phẩm", "food_safety_certificate"),
    ("GMP", "production_conditions_certificate"),
    ("điều kiện bắt buộc", "production_conditions"),
    ("giấy phép sản xuất", "production_licence"),
    ("công bố chất lượng sản phẩm, ghi nhãn", "quality_declaration_labelling_advertising"),
    ("Bản công bố sản phẩm", "product_declaration"),
    ("bản công bố sản phẩm", "product_declaration"),
    ("ồ sơ đăng ký theo quy định", "registration_dossier"),
]


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def split_title(code: str, text: str) -> tuple[str, str, str]:
    """Split a printed heading into (title, description, requirements)."""
    requirements = ""
    if " Yêu cầu:" in text:
        text, requirements = text.split(" Yêu cầu:", 1)
    description = ""
    if "." not in code:
        # Section headings are upper case; what follows the upper-case run is a description.
        words = text.split(" ")
        n = 0
        while n < len(words) and (words[n] == words[n].upper() or words[n] in ("-", "&")):
            n += 1
        if 0 < n < len(words):
            text, description = " ".join(words[:n]), " ".join(words[n:])
    if not description and " (" in text:
        text, description = text.split(" (", 1)
    return clean(text), unwrap(description), clean(requirements)


def unwrap(text: str) -> str:
    """Drop the brackets around a parenthetical, keeping inner (or unbalanced) ones."""
    text = clean(text)
    if text.startswith("("):
        text = text[1:]
    if text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1]
    return text.strip()


def parse_option(text: str, cell: str | None, line: int) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    note = ""
    if " Ghi chú:" in text:
        text, note = text.split(" Ghi chú:", 1)
    min_star = None
    match = STARS.search(text)
    if match:
        min_star = match.group(1).count("*")
        text = text[: match.start()] + " " + text[match.end() :]
    text = clean(text)
    option: dict[str, Any] = {"text": text}
    if cell is None:
        option["points"] = None
        problems.append(f"line {line}: option without score")
    elif re.fullmatch(r"\d+", cell.strip()):
        option["points"] = int(cell)
    else:
        option["points"] = cell
        problems.append(f"line {line}: score cell {cell!r} is not a number")
    if min_star:
        option["min_star"] = min_star
    if note:
        option["note"] = clean(note)
    option["line"] = line
    return option, problems


def set_names(lines: list[str]) -> dict[int, str]:
    """The 26 set names of the Appendix II index table ("1 | Bộ sản phẩm: …")."""
    start = lines.index("PHỤ LỤC II")
    names = {}
    for line in lines[start : start + 40]:
        match = re.match(r"^(\d+) \| Bộ sản phẩm: (.+)$", line)
        if match:
            names[int(match.group(1))] = clean(match.group(2))
    return names


def find_sheets(lines: list[str]) -> list[tuple[int, int]]:
    """Return (first, last) 1-based line numbers of each of the 26 sheets."""
    first = lines.index("PHỤ LỤC II")
    starts = []
    for i, line in enumerate(lines):
        if i < first or not line.startswith("(Sản phẩm:"):
            continue
        j = i - 1
        while not re.match(r"^\d{1,2}\.", lines[j]):
            j -= 1
        starts.append(j)
    ends = []
    for start in starts:
        k = start
        while not lines[k].startswith("..., ngày"):
            k += 1
        ends.append(k)
    return [(s + 1, e + 1) for s, e in zip(starts, ends, strict=True)]


def parse_sheet(lines: list[str], first: int, last: int) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    body = lines[first - 1 : last]
    i = 0
    heading = []
    while not body[i].startswith("(Sản phẩm:"):
        heading.append(body[i])
        i += 1
    header = []
    while True:
        header.append(body[i])
        if body[i].rstrip().endswith(")"):
            break
        i += 1
    heading_text = clean(" ".join(heading))
    number = int(heading_text.split(".")[0])
    name = set_names(lines)[number]
    sheet: dict[str, Any] = {
        "version": VERSION,  # parse_all relabels
        "number": number,
        "name": name,
        "heading": heading_text,
        "header": clean(" ".join(header)),
        "source_lines": [first, last],
    }
    # Rejection paragraph(s): from "... bị loại khi:" to the table header.
    paragraphs: list[tuple[int, str]] = []
    while not body[i].startswith("Các tiêu chí"):
        if "loại khi:" in body[i]:
            paragraphs.append((first + i, body[i]))
        elif paragraphs:
            paragraphs[-1] = (paragraphs[-1][0], paragraphs[-1][1] + " " + body[i])
        i += 1
    rejection_texts = [clean(p.split("loại khi:", 1)[1]) for _, p in paragraphs]
    if len(rejection_texts) > 1 and len(set(rejection_texts)) == 1:
        problems.append(
            f"line {paragraphs[1][0]}: rejection paragraph printed twice "
            f"(also at line {paragraphs[0][0]})"
        )
    grounds = []
    if paragraphs:
        text = rejection_texts[0]
        grounds = [
            {"code": code, "text": GROUND_TEXTS[code], "line": paragraphs[0][0]}
            for key, code in DOSSIER_GROUNDS
            if key in text
        ]
        grounds = list({g["code"]: g for g in grounds}.values())
        sheet["rejection"] = {"text": text, "line": paragraphs[0][0]}
    else:
        sheet["rejection"] = {"text": "", "line": None}
    i += 1

    parts: list[dict[str, Any]] = []
    section: dict[str, Any] | None = None
    node: dict[str, Any] | None = None  # the node that receives options and notes
    stack: list[dict[str, Any]] = []  # criteria chain inside the current section
    case = None
    while i < len(body) and not body[i].startswith("TỔNG CỘNG"):
        line_no = first + i
        raw = body[i].strip()
        i += 1
        if not raw:
            continue
        m = PART.match(raw)
        if m:
            code, title, title_points, cell = m.groups()
            part = {
                "code": code,
                "title": clean(title),
                "title_points": int(title_points),
                "max": int(cell) if cell.isdigit() else cell,
                "line": line_no,
                "sections": [],
            }
            parts.append(part)
            section = node = None
            continue
        if raw.startswith(("□", "o ")):
            text, _, cell = raw[1:].rpartition(" | ") if " | " in raw else (raw[1:], "", None)
            option, probs = parse_option(text, cell, line_no)
            problems += probs
            if case:
                option["case"] = case
            if node is None:
                problems.append(f"line {line_no}: option outside any criterion")
                continue
            node.setdefault("options", []).append(option)
            continue
        m = NODE.match(raw)
        if m:
            code, text, cell = m.groups()
            title, description, requirements = split_title(code, text)
            item: dict[str, Any] = {"code": code, "title": title}
            if description:
                item["description"] = description
            item["max"] = int(cell) if cell.isdigit() else cell
            if not cell.isdigit():
                problems.append(f"line {line_no}: score cell {cell!r} is not a number")
            if requirements:
                item["requirements"] = requirements
            item["line"] = line_no
            case = None
            depth = code.count(".")
            if depth == 0:
                section = item
                parts[-1]["sections"].append(section)
                stack = []
            else:
                assert section is not None
                stack = stack[: depth - 1]
                parent = stack[-1] if stack else section
                parent.setdefault("criteria", []).append(item)
                stack.append(item)
            node = item
            continue
        m = CASE.match(raw)
        if m and node is not None:
            case = m.group(1)
            node.setdefault("cases", {})[case] = clean(m.group(2))
            continue
        if node is None:
            problems.append(f"line {line_no}: unrecognised line {raw[:60]!r}")
            continue
        if raw.startswith("Yêu cầu:"):
            node["requirements"] = clean(raw.split(":", 1)[1])
        elif raw.startswith(("Ghi chú:", "Chú ý:")):
            note = clean(raw.split(":", 1)[1])
            # "… một trong các chỉ tiêu trên …" speaks of every criterion of the section.
            target = section if "các chỉ tiêu trên" in note and section else node
            target["notes"] = clean(f"{target.get('notes', '')} {note}")
        elif raw.startswith("(") and not node.get("options"):
            node["description"] = unwrap(raw)
        elif raw.startswith("Lựa chọn một trong"):
            node["notes"] = clean(f"{node.get('notes', '')} {raw}")
        elif raw.startswith("Chỉ áp dụng"):
            node["applies_when"] = clean(raw)
        else:
            problems.append(f"line {line_no}: unrecognised line {raw[:60]!r}")
    for crit in iter_nodes_raw(parts):
        # Criteria with a maximum and neither options nor sub-criteria are yes/no items.
        if "options" not in crit and "criteria" not in crit and "sections" not in crit:
            crit["yes_no"] = True
        notes = [crit.get("notes", "")] + [o.get("note", "") for o in crit.get("options", [])]
        for note in notes:
            for key, code in NOTE_GROUNDS:
                if key in note and "sections" not in crit:
                    ground = {"code": code, "text": note, "criterion": crit["code"]}
                    grounds.append({**ground, "line": crit["line"]})
                    break
    sheet["rejection"]["grounds"] = grounds
    sheet["parts"] = parts
    return sheet, [f"set {number}: {p}" for p in problems]


def iter_nodes_raw(parts: list[dict[str, Any]]):
    for part in parts:
        for section in part["sections"]:
            yield section
            stack = list(section.get("criteria", []))
            while stack:
                crit = stack.pop(0)
                yield crit
                stack[0:0] = crit.get("criteria", [])


# --- YAML output (hand-formatted so the files stay easy to read and diff) ---------------------


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def inline(mapping: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in mapping.items()) + "}"


def emit_node(node: dict[str, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    first = True
    for key, value in node.items():
        lead = f"{pad[:-2]}- " if first else pad
        first = False
        if key in ("criteria", "sections"):
            out.append(f"{lead}{key}:")
            for child in value:
                emit_node(child, indent + 4, out)
        elif key == "options":
            out.append(f"{lead}options:")
            for option in value:
                out.append(f"{pad}  - {inline(option)}")
        elif key == "cases":
            out.append(f"{lead}cases:")
            for case, label in value.items():
                out.append(f"{pad}  {case}: {scalar(label)}")
        else:
            out.append(f"{lead}{key}: {scalar(value)}")


def dump_sheet(sheet: dict[str, Any]) -> str:
    out = [
        f"# Decision 26/2026/QĐ-TTg, Appendix II, product set {sheet['number']}.",
        "# Line numbers refer to reference/decision-26-2026-QD-TTg.txt. Hand-checked against",
        "# the legal text; every deviation from the transcript is listed under `corrections`.",
    ]
    for key, value in sheet.items():
        if key == "source_lines":
            out.append(f"source_lines: [{value[0]}, {value[1]}]")
        elif key == "rejection":
            out.append("rejection:")
            out.append(f"  text: {scalar(value['text'])}")
            out.append(f"  line: {scalar(value['line'])}")
            out.append("  grounds:" if value["grounds"] else "  grounds: []")
            for ground in value["grounds"]:
                out.append(f"    - {inline(ground)}")
        elif key == "parts":
            out.append("parts:")
            for part in value:
                emit_node(part, 4, out)
        elif key == "corrections":
            out.append("corrections:" if value else "corrections: []")
            for corr in value:
                out.append(f"  - line: {corr['line']}")
                for k in ("path", "was", "now", "reason"):
                    out.append(f"    {k}: {scalar(corr[k])}")
        elif key == "remarks":
            if value:
                out.append("remarks:")
            for remark in value:
                out.append(f"  - line: {remark['line']}")
                for k in ("path", "printed", "note"):
                    out.append(f"    {k}: {scalar(remark[k])}")
        else:
            out.append(f"{key}: {scalar(value)}")
    return "\n".join(out) + "\n"


# --- commands ----------------------------------------------------------------------------------


def parse_all(reference: Path, version: str = VERSION) -> tuple[list[dict[str, Any]], list[str]]:
    """Every score sheet of an appendix printed in the layout of Decision 26/2026's, labelled
    with ``version`` (an earlier decision's sheets are extracted with the same tool)."""
    lines = reference.read_text(encoding="utf-8").split("\n")
    sheets, problems = [], []
    for first, last in find_sheets(lines):
        sheet, probs = parse_sheet(lines, first, last)
        sheet["version"] = version
        sheets.append(sheet)
        problems += probs
    return sheets, problems


def with_taxonomy(sheet: dict[str, Any], data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """Insert the Appendix I classification (of the sheet's version) after its own header."""
    entry = {p.number: p for p in load_product_sets(sheet["version"], data_dir)}[sheet["number"]]
    result: dict[str, Any] = {}
    for key, value in sheet.items():
        result[key] = value
        if key == "header":
            result["taxonomy"] = entry.taxonomy
            result["industry"] = entry.industry
            result["group"] = entry.group
            result["subgroup"] = entry.subgroup
    return result


def generate(
    reference: Path, force: bool, out_dir: Path = SHEET_DIR, version: str = VERSION
) -> int:
    """Write ``out_dir/set-NN.yaml`` for each sheet; ``out_dir`` is a version's folder under
    the catalogue data, whose ``appendix-1.yaml`` gives the taxonomy."""
    sheets, problems = parse_all(reference, version)
    # the version's taxonomy beside its folder, else the packaged one (a scratch folder)
    beside = (out_dir.parent / version / "appendix-1.yaml").exists()
    sheets = [with_taxonomy(sheet, out_dir.parent if beside else DATA_DIR) for sheet in sheets]
    for problem in problems:
        print("transcript:", problem)
    out_dir.mkdir(parents=True, exist_ok=True)
    for sheet in sheets:
        path = out_dir / f"set-{sheet['number']:02d}.yaml"
        corrections, remarks = [], []
        if path.exists():
            if not force:
                print(f"{path} exists; use --force to regenerate it")
                continue
            existing = yaml.safe_load(path.read_text(encoding="utf-8"))
            corrections = existing.get("corrections") or []
            remarks = existing.get("remarks") or []
        for corr in corrections:
            apply_correction(sheet, corr, "now")
        sheet["corrections"] = corrections
        if remarks:
            sheet["remarks"] = remarks
        path.write_text(dump_sheet(sheet), encoding="utf-8")
    return 0


NORMATIVE = (
    "code",
    "line",
    "title",
    "title_points",
    "max",
    "description",
    "requirements",
    "notes",
    "applies_when",
    "yes_no",
    "cases",
)


def check(reference: Path, data_dir: Path = SHEET_DIR, version: str = VERSION) -> int:
    sheets, _ = parse_all(reference, version)
    differences = 0
    for parsed in sheets:
        path = data_dir / f"set-{parsed['number']:02d}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for corr in data.get("corrections") or []:
            apply_correction(parsed, corr, "now")
        for report in compare(parsed, data):
            differences += 1
            print(f"set {parsed['number']}: {report}")
    print(f"{differences} unrecorded difference(s) between the data and the transcript")
    return 1 if differences else 0


def compare(parsed: dict[str, Any], data: dict[str, Any]) -> list[str]:
    reports = []
    for key in ("name", "heading", "header", "source_lines"):
        if parsed.get(key) != data.get(key):
            reports.append(f"{key}: text {parsed.get(key)!r} data {data.get(key)!r}")
    if parsed["rejection"]["text"] != data["rejection"]["text"]:
        reports.append("rejection text differs")
    if parsed["rejection"].get("grounds") != data["rejection"].get("grounds"):
        reports.append("rejection grounds differ")
    old = {n["code"]: n for n in iter_nodes(parsed)}
    new = {n["code"]: n for n in iter_nodes(data)}
    if list(old) != list(new):
        reports.append(f"codes differ: {sorted(set(old) ^ set(new))}")
    for code, node in old.items():
        other = new.get(code)
        if other is None:
            continue
        for key in NORMATIVE:
            if node.get(key) != other.get(key):
                reports.append(f"{code} {key}: text {node.get(key)!r} data {other.get(key)!r}")
        options = node.get("options", [])
        other_options = other.get("options", [])
        if len(options) != len(other_options):
            reports.append(f"{code}: {len(options)} options in text, {len(other_options)} in data")
        for n, (a, b) in enumerate(zip(options, other_options, strict=False)):
            for key in ("text", "points", "min_star", "case", "note", "line"):
                if a.get(key) != b.get(key):
                    reports.append(
                        f"{code} option {n} {key}: text {a.get(key)!r} data {b.get(key)!r}"
                    )
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("reference", type=Path)
    parser.add_argument("--force", action="store_true", help="overwrite existing sheets")
    parser.add_argument("--version", default=VERSION, help="catalogue version code")
    parser.add_argument("--data", type=Path, help="sheet directory (default: the version's)")
    args = parser.parse_args(argv)
    data = args.data or DATA_DIR / args.version
    if args.command == "generate":
        return generate(args.reference, args.force, data, args.version)
    return check(args.reference, data, args.version)


if __name__ == "__main__":
    sys.exit(main())
