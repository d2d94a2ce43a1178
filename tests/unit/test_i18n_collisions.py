"""Message-id collisions: one short English id that needs different Spanish in different places.

"Open" is a button ("Abrir"), a task status ("Abierta") and a finding status ("Abierto"); one message id
cannot carry the three. The rules, checked on what `make i18n` extracts:
1. A short id (one or two words) used without a context in more than one package must be one of
   SHARED_WORDS: plain nouns and fixed actions whose Spanish does not depend on where they stand (no gender or
   number agreement, not both a verb and a noun), and their Spanish must then be the same in every catalog.
   Anything else shared gets a context naming what it describes: `pgettext("task status", "Open")`.
2. The words of ALWAYS_CONTEXT (states and actions that read differently by what they describe) carry a
   context everywhere, also when used in one package only.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from babel.messages.pofile import read_po

from facility.core.i18n_catalog import extract_all as _extract_all
from facility.core.settings import REPO_ROOT
from facility.web.i18n import DOMAINS

SHORT_WORDS = 2
SHARED_WORDS = frozenset(
    {
        "%(num)d record",
        "Admitted %(date)s",
        "After",
        "All units",
        "Assessments",
        "Before",
        "Cancel",
        "Care plan",
        "Care-plan compliance",
        "Changes saved.",
        "Date",
        "Discipline",
        "Download CSV",
        "Edit",
        "Facility",
        "Filter",
        "Findings",
        "Frequency",
        "Goals",
        "Group",
        "In progress",
        "MDS assessments",
        "Name",
        "Not started",
        "Outcome",
        "Payer",
        "Pending",
        "Rationale",
        "Resident",
        "Residents",
        "Save changes",
        "Search",
        "Severity",
        "Show",
        "Signed by",
        "Stay",
        "Summary",
        "Title",
        "Unit",
        "What",
        "When",
        "due %(date)s",
    }
)
ALWAYS_CONTEXT = frozenset(
    {
        "Accepted",
        "Active",
        "Administrator",
        "Based on",
        "Change",
        "Closed",
        "Done",
        "Due",
        "Failed",
        "Met",
        "Open",
        "Other",
        "Review",
        "Signed",
        "Start",
        "State",
        "Status",
        "Upcoming",
    }
)


@cache
def extract_all():  # type: ignore[no-untyped-def]
    return _extract_all()  # one extraction per test run


def _is_short(msgid: str) -> bool:
    return len(msgid.split()) <= SHORT_WORDS


def _uses_without_context() -> dict[str, dict[str, list[str]]]:
    """msgid -> {package: files} for every id used without a context."""
    uses: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for domain, messages in extract_all().items():
        for (context, msgid), message in messages.items():
            if context is None:
                uses[msgid][domain] = message.files
    return uses


def test_short_ids_shared_by_packages_carry_a_context() -> None:
    shared = {
        msgid: sorted(packages)
        for msgid, packages in _uses_without_context().items()
        if _is_short(msgid) and len(packages) > 1 and msgid not in SHARED_WORDS
    }
    assert not shared, (
        "short message ids used without a context in several packages; give each use a context "
        '(pgettext("task status", "Open"), NC_("task status", "Open")) or, for a word whose Spanish never '
        "changes, add it to SHARED_WORDS:\n" + "\n".join(f"{m!r}: {p}" for m, p in sorted(shared.items()))
    )


def test_ambiguous_words_always_carry_a_context() -> None:
    bare = {
        msgid: [f for files in packages.values() for f in files]
        for msgid, packages in _uses_without_context().items()
        if msgid in ALWAYS_CONTEXT
    }
    assert not bare, "these need a context wherever they are used:\n" + "\n".join(
        f"{m!r}: {sorted(set(f))}" for m, f in sorted(bare.items())
    )


def test_shared_words_read_the_same_in_every_catalog() -> None:
    catalogs = {}
    for domain in DOMAINS:
        with (REPO_ROOT / "locales" / "es" / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
            catalogs[domain] = read_po(handle, locale="es", domain=domain)
    differing = {}
    for msgid, packages in _uses_without_context().items():
        if msgid in SHARED_WORDS and len(packages) > 1:
            entries = {d: catalogs[d].get(msgid) for d in packages}
            spanish = {d: e.string for d, e in entries.items() if e is not None}
            if len({str(s) for s in spanish.values()}) > 1:
                differing[msgid] = spanish
    assert not differing, "a shared word reads differently by package (use a context instead):\n" + "\n".join(
        f"{m!r}: {s}" for m, s in sorted(differing.items())
    )


def test_the_lists_do_not_overlap() -> None:
    assert not SHARED_WORDS & ALWAYS_CONTEXT
    assert all(_is_short(w) for w in SHARED_WORDS | ALWAYS_CONTEXT)
