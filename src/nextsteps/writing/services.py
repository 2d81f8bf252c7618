"""Writes for the KS2 writing teacher assessment; each in a transaction, each audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nextsteps.accounts.models import Actor, acting_user
from nextsteps.audit.actions import AuditAction
from nextsteps.audit.services import audit_write
from nextsteps.markbook.uploads import CheckedUpload
from nextsteps.people.models import Pupil
from nextsteps.progress.services import ks2_writing_record
from nextsteps.schools.models import School
from nextsteps.writing.kernels import rules
from nextsteps.writing.kernels.statements_file import read_statements
from nextsteps.writing.models import Judgement, Piece, Statement, Weakness

MIN_REASON = 10


class WritingError(ValueError):
    """A request the rule refuses, with the reason in words for the page."""


@transaction.atomic(durable=True)
def statements_import(
    *, school: School, framework: rules.Framework, name: str, content: bytes, by: Actor | None
) -> dict[str, int]:
    """Load the school's copy of the statements; raises `StatementsFileError` writing nothing.

    A statement already held keeps its row (so evidence linked to it stays linked) and takes
    the file's wording; a standard in the file is replaced whole.
    """
    rows = read_statements(content, name, framework)
    existing = {
        (s.standard, s.number): s
        for s in Statement.objects.filter(school=school, edition=framework.edition)
    }
    changed, created = [], []
    for row in rows:
        statement = existing.get((row.standard, row.number))
        if statement is None:
            created.append(
                Statement(
                    school=school,
                    edition=framework.edition,
                    standard=row.standard,
                    number=row.number,
                    text=row.text,
                    source_file=name[:255],
                )
            )
        elif statement.text != row.text or statement.source_file != name[:255]:
            statement.text, statement.source_file = row.text, name[:255]
            changed.append(statement)
    Statement.objects.bulk_create(created)
    Statement.objects.bulk_update(changed, ["text", "source_file"])
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.standard] = counts.get(row.standard, 0) + 1
    audit_write(
        actor=by,
        action=AuditAction.WRITING_STATEMENTS_IMPORT,
        school=school,
        target_type="writing.statement",
        target_label=name[:200],
        after={"file": name, "edition": framework.edition, "statements": counts},
    )
    return counts


def _statements_of(school: School, ids: Iterable[int], edition: str) -> list[Statement]:
    wanted = set(ids)
    found = list(Statement.objects.filter(school=school, edition=edition, pk__in=wanted))
    if len(found) != len(wanted):
        raise WritingError(_("A statement chosen is not in this school's framework."))
    return found


@transaction.atomic(durable=True)
def piece_record(
    *,
    school: School,
    pupil: Pupil,
    edition: str,
    title: str,
    written_on: dt.date,
    statement_ids: Iterable[int],
    link: str = "",
    note: str = "",
    upload: CheckedUpload | None = None,
    by: Actor | None,
) -> Piece:
    """Record a piece of writing (with a photo or scan already checked by content) and the
    statements it evidences."""
    statements = _statements_of(school, statement_ids, edition)
    piece = Piece(
        school=school,
        pupil=pupil,
        title=title.strip(),
        written_on=written_on,
        link=link,
        note=note.strip(),
        recorded_by=acting_user(by),
    )
    if upload is not None:
        piece.content_type, piece.original_name = upload.content_type, upload.name[:200]
        piece.file.save(upload.name, upload.file, save=False)
    piece.save()
    piece.statements.set(statements)
    audit_write(
        actor=by,
        action=AuditAction.WRITING_PIECE_RECORD,
        target=piece,
        after={"title": piece.title, "statements": sorted(str(s) for s in statements)},
    )
    return piece


@transaction.atomic(durable=True)
def piece_link(
    *, piece: Piece, edition: str, statement_ids: Iterable[int], by: Actor | None
) -> Piece:
    """Set which statements a piece of writing evidences."""
    statements = _statements_of(piece.school, statement_ids, edition)
    before = sorted(str(s) for s in piece.statements.all())
    piece.statements.set(statements)
    audit_write(
        actor=by,
        action=AuditAction.WRITING_PIECE_LINK,
        target=piece,
        before={"statements": before},
        after={"statements": sorted(str(s) for s in statements)},
    )
    return piece


@transaction.atomic(durable=True)
def weakness_record(
    *,
    school: School,
    pupil: Pupil,
    framework: rules.Framework,
    statement_id: int,
    reason: str,
    by: Actor | None,
) -> Weakness:
    """Record a particular weakness against one statement, with the teacher's reason."""
    statement = _statements_of(school, [statement_id], framework.edition)[0]
    if not framework.standard(statement.standard).weakness:
        raise WritingError(
            _(
                "The particular-weakness exception does not apply to %(code)s in the %(e)s "
                "framework."
            )
            % {"code": statement.standard, "e": framework.edition}
        )
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise WritingError(
            _(
                "Give the reason for the particular weakness (at least %(n)d characters): it is "
                "what a moderator reads."
            )
            % {"n": MIN_REASON}
        )
    if Weakness.objects.filter(pupil=pupil, statement=statement, withdrawn_at=None).exists():
        raise WritingError(
            _("A particular weakness is already recorded for %(s)s.") % {"s": statement}
        )
    weakness = Weakness.objects.create(
        school=school, pupil=pupil, statement=statement, reason=reason, recorded_by=acting_user(by)
    )
    audit_write(
        actor=by,
        action=AuditAction.WRITING_WEAKNESS_RECORD,
        target=weakness,
        after={"statement": str(statement), "reason": reason},
    )
    return weakness


@transaction.atomic(durable=True)
def weakness_withdraw(*, weakness: Weakness, by: Actor | None) -> Weakness:
    """Withdraw a particular weakness (the row and its reason are kept)."""
    weakness.withdrawn_at = timezone.now()
    weakness.save(update_fields=["withdrawn_at"])
    audit_write(
        actor=by,
        action=AuditAction.WRITING_WEAKNESS_WITHDRAW,
        target=weakness,
        after={"statement": str(weakness.statement), "withdrawn": True},
    )
    return weakness


@transaction.atomic(durable=True)
def judgement_record(
    *,
    school: School,
    pupil: Pupil,
    framework: rules.Framework,
    year: int,
    outcome: str,
    rule_outcome: str | None,
    note: str = "",
    by: Actor | None,
) -> tuple[Judgement, str | None]:
    """Record the teacher's final judgement and pass it to the KS2 results progress uses.

    Returns the judgement and, when the results could not take it, the reason.
    A judgement that differs from the rule's result needs a note saying why.
    """
    codes = {code for code, _name in framework.outcomes}
    if outcome not in codes:
        raise WritingError(
            _("%(code)s is not an outcome of the %(e)s framework.")
            % {"code": outcome, "e": framework.edition}
        )
    note = note.strip()
    if outcome != (rule_outcome or "") and not note:
        raise WritingError(
            _("Your judgement differs from the rule's result (%(rule)s): add a note saying why.")
            % {"rule": rule_outcome or _("no standard met")}
        )
    judgement = Judgement.objects.create(
        school=school,
        pupil=pupil,
        year=year,
        edition=framework.edition,
        outcome=outcome,
        rule_outcome=rule_outcome or "",
        note=note,
        recorded_by=acting_user(by),
    )
    audit_write(
        actor=by,
        action=AuditAction.WRITING_JUDGEMENT_RECORD,
        target=judgement,
        after={"outcome": outcome, "rule_outcome": rule_outcome or "", "note": note},
    )
    not_passed = ks2_writing_record(school=school, pupil=pupil, year=year, outcome=outcome, by=by)
    return judgement, not_passed
