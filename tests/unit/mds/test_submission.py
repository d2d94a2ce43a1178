from __future__ import annotations

from datetime import date

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mds.assessments import signing
from mds.record import submission as sub
from mds.record.submission import InvalidTransition

RN = signing.Signer(1, "Ana Ruiz", "RN", "mds_coordinator")
TODAY = date(2025, 3, 20)


@pytest.mark.parametrize(
    ("state", "event", "expected"),
    [
        ("draft", "edit", "in_progress"),
        ("in_progress", "edit", "in_progress"),
        ("in_progress", "sign", "completed"),
        ("completed", "export", "exported"),
        ("exported", "export", "exported"),
        ("exported", "submit", "submitted"),
        ("submitted", "accept", "accepted"),
        ("submitted", "reject", "rejected"),
        ("exported", "accept", "accepted"),
        ("rejected", "export", "exported"),
        ("rejected", "edit", "in_progress"),
    ],
)
def test_allowed_transitions(state, event, expected):
    assert sub.transition(state, event) == expected


@pytest.mark.parametrize(
    ("state", "event", "message_id"),
    [
        ("draft", "sign", "invalid"),
        ("draft", "export", "invalid"),
        ("in_progress", "export", "invalid"),  # unsigned records are never exported
        ("completed", "edit", "invalid"),  # signed = locked
        ("completed", "accept", "invalid"),
        ("submitted", "edit", "invalid"),
        ("accepted", "edit", "accepted_locked"),
        ("accepted", "reject", "accepted_locked"),
        ("accepted", "export", "accepted_locked"),
        ("draft", "delete", "unknown"),
        ("lost", "edit", "unknown"),
    ],
)
def test_forbidden_transitions(state, event, message_id):
    with pytest.raises(InvalidTransition) as exc:
        sub.transition(state, event)
    assert exc.value.message_id == message_id
    assert exc.value.messages["en"] and exc.value.messages["es"]
    assert exc.value.messages["en"] != exc.value.messages["es"]


def test_rejected_after_acceptance_is_not_edited():
    with pytest.raises(InvalidTransition) as exc:
        sub.transition("rejected", "edit", ever_accepted=True)
    assert exc.value.message_id == "accepted_locked"


def test_invalid_message_is_localized():
    with pytest.raises(InvalidTransition) as exc:
        sub.transition("draft", "export")
    assert exc.value.messages["en"] == 'An assessment in state "draft" cannot be exported.'
    assert exc.value.messages["es"] == "Una evaluación en estado «borrador» no se puede exportar."


def _accepted_ledger(audit):
    ledger = sub.start("A1", {"A0310A": "02", "C0500": "15"}, audit)
    ledger = sub.edit(ledger, {"C0500": "14"}, audit)
    ledger = sub.sign(ledger, audit)
    for event in ("export", "submit", "accept"):
        ledger = sub.advance(ledger, event, audit)
    return ledger


def test_ledger_happy_path_and_correction():
    audit: list[sub.AuditEvent] = []
    ledger = _accepted_ledger(audit)
    assert [a.action for a in audit] == ["create", "update", "sign", "export", "export", "import"]
    assert audit[1].detail["changes"] == [("C0500", "15", "14")]
    assert ledger.current.content_hash == signing.content_hash(ledger.current.items)
    corr = signing.next_correction(
        [signing.Version(v.a0050, v.x0800, v.state) for v in ledger.versions],
        "modify",
        ["X0900D"],
        RN,
        TODAY,
        TODAY,
    )
    ledger2 = sub.correct(ledger, corr, {"C0500": "13"}, audit)
    assert len(ledger2.versions) == 2 and ledger2.versions[0] == ledger.versions[0]
    assert ledger2.current.items["C0500"] == "13" and ledger2.current.items["X0800"] == "01"
    assert ledger2.current.state == "completed" and audit[-1].action == "update"
    with pytest.raises(InvalidTransition):
        sub.correct(ledger2, corr, {}, audit)  # the working version is not accepted yet


def test_tamper_detection_on_a_signed_version():
    audit: list[sub.AuditEvent] = []
    ledger = _accepted_ledger(audit)
    assert not sub.tampered(ledger.current)
    forged = sub.RecordVersion(
        **{**ledger.current.__dict__, "items": {**ledger.current.items, "C0500": "00"}}
    )
    assert sub.tampered(forged)


def test_failed_change_writes_no_audit_event():
    audit: list[sub.AuditEvent] = []
    ledger = sub.start("A1", {}, audit)
    with pytest.raises(InvalidTransition):
        sub.advance(ledger, "export", audit)
    with pytest.raises(InvalidTransition):
        sub.advance(ledger, "delete", audit)
    assert len(audit) == 1


# ---------------------------------------------------------------- hypothesis state machine


class AssessmentWorkflow(RuleBasedStateMachine):
    """Random sequences of edit/sign/export/submit/accept/reject/correct on one assessment.

    Invariants (SECURITY.md §5): nothing deleted, X0800 monotonic (01, 02, …), one audit event per
    successful change and none for a refused one.
    """

    def __init__(self):
        super().__init__()
        self.audit: list[sub.AuditEvent] = []
        self.ledger = sub.start("A1", {"A0310A": "02", "C0500": "15"}, self.audit)
        self.changes = 1
        self.history: list[tuple[sub.RecordVersion, ...]] = [self.ledger.versions]
        self.signed: list[tuple[str, str]] = []  # (x0800, hash) of every version once signed

    def _try(self, fn, *args):
        before = len(self.audit)
        try:
            self.ledger = fn(self.ledger, *args, self.audit)
        except (InvalidTransition, signing.SigningError):
            assert len(self.audit) == before
            return
        self.changes += 1
        self.history.append(self.ledger.versions)
        cur = self.ledger.current
        if cur.content_hash and (cur.x0800, cur.content_hash) not in self.signed:
            self.signed.append((cur.x0800, cur.content_hash))

    @rule(value=st.sampled_from(["0", "5", "15", "-"]))
    def edit(self, value):
        self._try(sub.edit, {"C0500": value})

    @rule()
    def sign(self):
        self._try(sub.sign)

    @rule(event=st.sampled_from(["export", "submit", "accept", "reject"]))
    def advance(self, event):
        self._try(sub.advance, event)

    @precondition(lambda self: not self.ledger.inactivated)
    @rule(kind=st.sampled_from(["modify", "inactivate"]), value=st.sampled_from(["1", "2"]))
    def correct(self, kind, value):
        versions = [signing.Version(v.a0050, v.x0800, v.state) for v in self.ledger.versions]
        reason = "X0900A" if kind == "modify" else "X1050A"
        try:
            corr = signing.next_correction(versions, kind, [reason], RN, TODAY, TODAY)
        except signing.SigningError:
            return
        self._try(sub.correct, corr, {"C0500": value})

    @invariant()
    def nothing_deleted(self):
        # every earlier version list is a prefix of the current one, except that the working
        # (last) version may move through its lifecycle; its signed content never changes.
        for old in self.history:
            assert len(old) <= len(self.ledger.versions)
            for a, b in zip(old[:-1], self.ledger.versions, strict=False):
                assert a.items == b.items and a.x0800 == b.x0800 and a.content_hash == b.content_hash

    @invariant()
    def x0800_monotonic(self):
        numbers = [v.x0800 for v in self.ledger.versions]
        assert numbers == [f"{i:02d}" for i in range(len(numbers))]
        assert not signing.x0800_sequence_errors(
            [signing.Version(v.a0050, v.x0800, v.state) for v in self.ledger.versions]
        )

    @invariant()
    def one_audit_event_per_change(self):
        assert len(self.audit) == self.changes

    @invariant()
    def signed_content_is_intact(self):
        for v in self.ledger.versions:
            assert not sub.tampered(v)
            if v.state not in ("draft", "in_progress"):
                assert v.content_hash is not None

    @invariant()
    def accepted_versions_are_frozen(self):
        for v in self.ledger.versions[:-1]:
            assert v.state == "accepted"


AssessmentWorkflow.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestAssessmentWorkflow = AssessmentWorkflow.TestCase


# ---------------------------------------------------------------- final validation result CSV


def test_parse_results_good_rows():
    text = "\ufeffRecord ID,Status,Error IDs\nA1,Accepted,\nA2,rejected,-3783;-3810\nA3,accepted,-3810\n\n"
    rows, errors = sub.parse_results(text)
    assert errors == []
    assert rows == [
        sub.ResultRow(2, "A1", "accepted", ()),
        sub.ResultRow(3, "A2", "rejected", (-3783, -3810)),
        sub.ResultRow(4, "A3", "accepted", (-3810,)),
    ]


@pytest.mark.parametrize(
    ("text", "lines", "first_en"),
    [
        ("id,foo\nA1,accepted\n", [1], "The first line must name"),
        ("", [1], "The first line must name"),
        ("record_id,status,error_ids\n,accepted,\n", [2], "Missing record id."),
        ("record_id,status,error_ids\nA1,pending,\n", [2], "Status 'pending'"),
        ("record_id,status,error_ids\nA1,rejected,3783\n", [2], "'3783' is not an MDS edit id"),
        ("record_id,status,error_ids\nA1,rejected,\n", [2], "Record A1 is rejected but lists no"),
        (
            "record_id,status,error_ids\nA1,accepted,\nA1,rejected,-3783\n",
            [3],
            "Record A1 appears more than once",
        ),
    ],
)
def test_parse_results_errors_are_line_numbered(text, lines, first_en):
    rows, errors = sub.parse_results(text)
    assert [e.line for e in errors] == lines
    assert errors[0].message["en"].startswith(first_en)
    assert errors[0].message["es"]


def test_bad_row_does_not_hide_good_rows():
    rows, errors = sub.parse_results("record_id,status,error_ids\nA1,accepted,\nA2,??,\nA3,rejected,-3676\n")
    assert [r.record_id for r in rows] == ["A1", "A3"] and [e.line for e in errors] == [3]
