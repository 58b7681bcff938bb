"""The disclosure catalogue (公开目录): each organisation's heading tree of up to three
levels, a lower tier's tree hung under its parent organisation's heading (三级联动),
and CSV import/export checked line by line."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Disclosure, Heading, Organisation, User
from ..models.catalogue import MAX_HEADING_DEPTH
from ..synthesis.text import strip_control_characters
from . import audit
from .errors import NotFound, PermissionDenied, ValidationFailed
from . import spreadsheet

EDITOR_ROLES = ("editor", "admin")
CSV_COLUMNS = ("path", "code", "name", "description")
OPTIONAL_COLUMNS = ("name_en",)
MAX_CODE = 40
MAX_NAME = 200
MAX_IMPORT_ROWS = 20_000


def _require_editor(user: User) -> None:
    if not user.has_role(*EDITOR_ROLES):
        raise PermissionDenied(_l("Only editors may do this."))


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("There is no such organisation."))
    return organisation


def _heading(heading_id: int | None, field: str = "heading_id") -> Heading:
    heading = db.session.get(Heading, heading_id) if heading_id else None
    if heading is None:
        raise ValidationFailed({field: [_l("There is no such heading.")]})
    return heading


def _clean(text: str | None) -> str:
    return strip_control_characters(text or "").strip()


def _check_code_and_name(code: str, name: str) -> dict:
    errors: dict[str, list] = {}
    if not code:
        errors["code"] = [_l("Give the heading a code.")]
    elif len(code) > MAX_CODE or "/" in code:
        errors["code"] = [_l("A code has at most %(n)d characters and no “/”.", n=MAX_CODE)]
    if not name:
        errors["name_zh"] = [_l("Give the heading a name.")]
    elif len(name) > MAX_NAME:
        errors["name_zh"] = [_l("Keep the name under %(n)d characters.", n=MAX_NAME)]
    return errors


def _code_taken(organisation_id: int, code: str, except_id: int | None = None) -> bool:
    query = select(Heading.id).where(Heading.organisation_id == organisation_id, Heading.code == code)
    if except_id:
        query = query.where(Heading.id != except_id)
    return db.session.scalar(query) is not None


def subtree_height(heading: Heading) -> int:
    """1 for a leaf, 2 with children, 3 with grandchildren (own organisation only)."""
    return 1 + max((subtree_height(child) for child in heading.children), default=0)


def _check_parent(heading: Heading | None, parent: Heading | None, organisation_id: int) -> None:
    if parent is None:
        return
    if parent.organisation_id != organisation_id:
        raise ValidationFailed({"parent_id": [_l("A parent heading must belong to the same organisation.")]})
    node = parent
    while node is not None:
        if heading is not None and node.id == heading.id:
            raise ValidationFailed({"parent_id": [_l("A heading cannot be placed under itself or its own sub-heading.")]})
        node = node.parent
    height = subtree_height(heading) if heading is not None else 1
    if parent.level + height > MAX_HEADING_DEPTH:
        raise ValidationFailed({"parent_id": [_l("The catalogue has at most %(n)d levels; this would make it deeper.",
                                                 n=MAX_HEADING_DEPTH)]})


def _relevel(heading: Heading, level: int) -> None:
    heading.level = level
    for child in heading.children:
        _relevel(child, level + 1)


def create_heading(*, user: User, organisation_id: int, code: str, name_zh: str, name_en: str = "",
                   description: str = "", parent_id: int | None = None) -> Heading:
    _require_editor(user)
    _organisation(organisation_id)
    code, name_zh = _clean(code), _clean(name_zh)
    errors = _check_code_and_name(code, name_zh)
    if not errors and _code_taken(organisation_id, code):
        errors["code"] = [_l("The code %(code)s is already used in this catalogue.", code=code)]
    if errors:
        raise ValidationFailed(errors)
    parent = _heading(parent_id, "parent_id") if parent_id else None
    _check_parent(None, parent, organisation_id)
    position = db.session.scalar(select(func.count()).select_from(Heading).where(
        Heading.organisation_id == organisation_id, Heading.parent_id == (parent.id if parent else None)
    )) if parent else db.session.scalar(select(func.count()).select_from(Heading).where(
        Heading.organisation_id == organisation_id, Heading.parent_id.is_(None)))
    heading = Heading(organisation_id=organisation_id, parent_id=parent.id if parent else None, code=code,
                      name_zh=name_zh, name_en=_clean(name_en)[:MAX_NAME], description=_clean(description),
                      level=(parent.level + 1) if parent else 1, position=position or 0)
    db.session.add(heading)
    db.session.flush()
    audit.record(heading, "created", actor=user, code=code)
    db.session.commit()
    return heading


def update_heading(*, user: User, heading_id: int, code: str, name_zh: str, name_en: str = "",
                   description: str = "", parent_id: int | None = None) -> Heading:
    """Rename or move a heading; a move that makes a cycle or a fourth level is refused."""
    _require_editor(user)
    heading = _heading(heading_id)
    code, name_zh = _clean(code), _clean(name_zh)
    errors = _check_code_and_name(code, name_zh)
    if not errors and _code_taken(heading.organisation_id, code, except_id=heading.id):
        errors["code"] = [_l("The code %(code)s is already used in this catalogue.", code=code)]
    if errors:
        raise ValidationFailed(errors)
    parent = _heading(parent_id, "parent_id") if parent_id else None
    _check_parent(heading, parent, heading.organisation_id)
    heading.code, heading.name_zh, heading.name_en = code, name_zh, _clean(name_en)[:MAX_NAME]
    heading.description = _clean(description)
    heading.parent_id = parent.id if parent else None
    heading.parent = parent
    _relevel(heading, (parent.level + 1) if parent else 1)
    audit.record(heading, "edited", actor=user, code=code, parent_id=heading.parent_id)
    db.session.commit()
    return heading


def attach_catalogue(*, user: User, heading_id: int, under_heading_id: int | None) -> Heading:
    """Hang a lower tier's top heading under a heading of its parent organisation
    (三级联动); `under_heading_id=None` detaches it."""
    _require_editor(user)
    heading = _heading(heading_id)
    if heading.parent_id is not None:
        raise ValidationFailed({"heading_id": [_l("Only a first-level heading can be attached to another catalogue.")]})
    under = _heading(under_heading_id, "under_heading_id") if under_heading_id else None
    if under is not None:
        parent_org = heading.organisation.parent_id
        if under.organisation_id != parent_org:
            raise ValidationFailed({"under_heading_id": [
                _l("A catalogue hangs under a heading of its parent organisation.")]})
    heading.attached_under_id = under.id if under else None
    audit.record(heading, "attached", actor=user, under=heading.attached_under_id)
    db.session.commit()
    return heading


def delete_heading(*, user: User, heading_id: int) -> None:
    """Only an empty heading (no sub-headings, no items, nothing attached) may go."""
    _require_editor(user)
    heading = _heading(heading_id)
    used = db.session.scalar(select(func.count()).select_from(Disclosure).where(Disclosure.heading_id == heading.id))
    if heading.children or heading.attached or used:
        raise ValidationFailed({"heading_id": [_l("Only an empty heading can be removed: move its sub-headings and items first.")]})
    audit.record(heading, "deleted", actor=user, code=heading.code)
    db.session.delete(heading)
    db.session.commit()


def tree(organisation_id: int) -> list[Heading]:
    """The organisation's first-level headings (children load from there)."""
    return list(db.session.scalars(
        select(Heading).where(Heading.organisation_id == organisation_id, Heading.parent_id.is_(None))
        .order_by(Heading.position, Heading.code)))


# --- CSV -------------------------------------------------------------------------------------

def _full_path(heading: Heading) -> str:
    return "/".join(node.code for node in heading.path())


def export_csv(*, organisation_id: int) -> str:
    """The catalogue as CSV (path, code, name, description, name_en), parents first."""
    _organisation(organisation_id)
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + OPTIONAL_COLUMNS)

    def walk(nodes):
        for node in nodes:
            writer.writerow([_full_path(node), node.code, node.name_zh, node.description, node.name_en])
            walk(node.children)

    walk(tree(organisation_id))
    return out.getvalue()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated


@dataclass
class _Row:
    line: int
    path: list[str]
    code: str
    name: str
    description: str
    name_en: str


def _line_error(errors: list, line: int, message) -> None:
    errors.append(_l("Line %(line)d: %(message)s", line=line, message=message))


def _parse(text: str) -> tuple[list[_Row], list]:
    errors: list = []
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [_l("The file is empty.")]
    except csv.Error as error:
        return [], [_l("Line %(line)d: %(message)s", line=1, message=str(error))]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        return [], [_l("Line 1: the header must name the columns %(columns)s; missing: %(missing)s",
                       columns=", ".join(CSV_COLUMNS), missing=", ".join(missing))]
    index = {name: header.index(name) for name in CSV_COLUMNS + OPTIONAL_COLUMNS if name in header}
    rows: list[_Row] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                _line_error(errors, line, _l("expected %(n)d fields, found %(m)d.", n=len(header), m=len(record)))
                continue
            def cell(name, record=record):
                return _clean(spreadsheet.plain(record[index[name]])) if name in index else ""
            path = [part.strip() for part in cell("path").split("/")]
            row = _Row(line, path, cell("code"), cell("name"), cell("description"), cell("name_en"))
            rows.append(row)
            if len(rows) > MAX_IMPORT_ROWS:
                return [], [_l("A catalogue file has at most %(n)d headings.", n=MAX_IMPORT_ROWS)]
    except csv.Error as error:
        _line_error(errors, reader.line_num, str(error))
    return rows, errors


def _check_rows(rows: list[_Row], errors: list) -> dict[str, _Row]:
    by_code: dict[str, _Row] = {}
    for row in rows:
        problems = _check_code_and_name(row.code, row.name)
        for messages in problems.values():
            _line_error(errors, row.line, messages[0])
        if problems:
            continue
        if any(not part for part in row.path) or row.path[-1] != row.code:
            _line_error(errors, row.line, _l("the path “%(path)s” must end with the heading's own code %(code)s.",
                                             path="/".join(row.path), code=row.code))
            continue
        if len(set(row.path)) != len(row.path):
            _line_error(errors, row.line, _l("the path “%(path)s” runs in a cycle (a code appears twice).",
                                             path="/".join(row.path)))
            continue
        if len(row.path) > MAX_HEADING_DEPTH:
            _line_error(errors, row.line, _l("the path “%(path)s” is %(n)d levels deep; the catalogue has at most %(max)d.",
                                             path="/".join(row.path), n=len(row.path), max=MAX_HEADING_DEPTH))
            continue
        if row.code in by_code:
            _line_error(errors, row.line, _l("the code %(code)s is already used on line %(other)d.",
                                             code=row.code, other=by_code[row.code].line))
            continue
        by_code[row.code] = row
    return by_code


def _check_parents(by_code: dict[str, _Row], existing: dict[str, Heading], errors: list) -> None:
    existing_paths = {code: [n.code for n in h.path()] for code, h in existing.items()}
    for row in by_code.values():
        if len(row.path) == 1:
            continue
        parent_code = row.path[-2]
        if parent_code in by_code:
            expected = by_code[parent_code].path
        elif parent_code in existing_paths:
            expected = existing_paths[parent_code]
        else:
            _line_error(errors, row.line, _l("the parent heading %(code)s is neither in the file nor in the catalogue.",
                                             code=parent_code))
            continue
        if expected != row.path[:-1]:
            _line_error(errors, row.line, _l("the path “%(path)s” does not match its parent's path “%(parent)s”.",
                                             path="/".join(row.path), parent="/".join(expected)))


def import_csv(*, user: User, organisation_id: int, text: str) -> ImportResult:
    """Create or update headings by code from CSV. Every line is checked first; any error
    and nothing is saved. Headings missing from the file are kept (items may use them)."""
    _require_editor(user)
    _organisation(organisation_id)
    rows, errors = _parse(text)
    by_code = _check_rows(rows, errors)
    existing = {h.code: h for h in db.session.scalars(select(Heading).where(Heading.organisation_id == organisation_id))}
    if not errors:
        _check_parents(by_code, existing, errors)
    if not errors and not by_code:
        errors.append(_l("The file has no headings."))
    if errors:
        raise ValidationFailed({"file": errors})
    result = ImportResult()
    positions: dict[str | None, int] = {}
    for depth in range(1, MAX_HEADING_DEPTH + 1):  # parents before children: one flush per level
        for row in (r for r in by_code.values() if len(r.path) == depth):
            parent = existing[row.path[-2]] if depth > 1 else None
            parent_key = parent.code if parent else None
            position = positions[parent_key] = positions.get(parent_key, -1) + 1
            heading = existing.get(row.code)
            if heading is None:
                heading = Heading(organisation_id=organisation_id, code=row.code)
                db.session.add(heading)
                existing[row.code] = heading
                result.created += 1
            else:
                result.updated += 1
            heading.name_zh, heading.description, heading.position = row.name, row.description, position
            heading.name_en = row.name_en[:MAX_NAME] or heading.name_en or ""
            heading.parent_id = parent.id if parent else None
            heading.level = depth
        db.session.flush()
    _relevel_organisation(organisation_id)
    organisation = db.session.get(Organisation, organisation_id)
    audit.record(organisation, "catalogue_imported", actor=user, created=result.created, updated=result.updated)
    db.session.commit()
    return result


def _relevel_organisation(organisation_id: int) -> None:
    """Recompute every heading's level from the parent links. Headings kept from before
    may sit under a moved parent: if that makes them too deep, nothing is saved."""
    parents = dict(db.session.execute(
        select(Heading.id, Heading.parent_id).where(Heading.organisation_id == organisation_id)).all())
    levels: dict[int, int] = {}

    def level(heading_id: int) -> int:
        if heading_id not in levels:
            parent = parents[heading_id]
            levels[heading_id] = 1 if parent is None else level(parent) + 1
        return levels[heading_id]

    for heading in db.session.scalars(select(Heading).where(Heading.organisation_id == organisation_id)):
        depth = level(heading.id)
        if depth > MAX_HEADING_DEPTH:
            db.session.rollback()
            raise ValidationFailed({"file": [_l(
                "The heading %(code)s, kept from the catalogue, would end up %(n)d levels deep.",
                code=heading.code, n=depth)]})
        if heading.level != depth:
            heading.level = depth
