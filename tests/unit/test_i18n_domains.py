"""Each package translates in its own gettext domain: the same English id may read differently per package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from facility.core.settings import REPO_ROOT
from facility.web import i18n
from facility.web.i18n import NC_, Domain, install

PO = """msgid ""
msgstr ""
"Language: es\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Open"
msgstr "{open}"

msgctxt "action"
msgid "Open"
msgstr "Abrir"

msgid "%(num)d record"
msgid_plural "%(num)d records"
msgstr[0] "{one}"
msgstr[1] "{many}"
"""
SHELL_ONLY = '\nmsgid "Users"\nmsgstr "Usuarios"\n'


@pytest.fixture
def catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    lc = tmp_path / "es" / "LC_MESSAGES"
    lc.mkdir(parents=True)
    (lc / "facility.po").write_text(
        PO.format(open="Abierta", one="%(num)d fila", many="%(num)d filas") + SHELL_ONLY
    )
    (lc / "mds.po").write_text(PO.format(open="Abierto", one="%(num)d registro", many="%(num)d registros"))
    monkeypatch.setattr(i18n, "get_settings", lambda: SimpleNamespace(locales_dir=tmp_path))
    i18n.domain_translations.cache_clear()
    yield
    i18n.domain_translations.cache_clear()


def _render(package: str, source: str, language: str = "es") -> str:
    filename = str(REPO_ROOT / package / "templates" / package / "t.html")
    env = jinja2.Environment(loader=jinja2.FunctionLoader(lambda name: (source, filename, lambda: False)))
    install(env)
    request = SimpleNamespace(scope={"state": {"locale": language}})
    return env.get_template("t.html").render(request=request)


@pytest.mark.usefixtures("catalogs")
@pytest.mark.parametrize(
    ("package", "source", "expected"),
    [
        ("facility", '{{ _("Open") }}', "Abierta"),
        ("mds", '{{ _("Open") }}', "Abierto"),
        ("mds", '{{ pgettext("action", "Open") }}', "Abrir"),
        ("mds", "{{ _(label) }}", "Abrir"),  # a label carrying its context (NC_)
        ("mds", '{{ ngettext("%(num)d record", "%(num)d records", 3) }}', "3 registros"),
        ("facility", '{{ ngettext("%(num)d record", "%(num)d records", 1) }}', "1 fila"),
        (
            "mds",
            '{{ _("Users") }}',
            "Usuarios",
        ),  # not in mds.po: found in another domain (data across packages)
        ("surveys", '{{ _("No such id") }}', "No such id"),
    ],
)
def test_a_template_reads_its_package_catalog(package: str, source: str, expected: str) -> None:
    if "label" in source:
        source = "{% set label = nc %}" + source
    filename = str(REPO_ROOT / package / "templates" / package / "t.html")
    env = jinja2.Environment(loader=jinja2.FunctionLoader(lambda name: (source, filename, lambda: False)))
    install(env)
    env.globals["nc"] = NC_("action", "Open")
    request = SimpleNamespace(scope={"state": {"locale": "es"}})
    assert env.get_template("t.html").render(request=request) == expected


@pytest.mark.usefixtures("catalogs")
def test_english_is_the_message_id() -> None:
    assert _render("mds", '{{ _("Open") }} {{ pgettext("action", "Open") }}', language="en") == "Open Open"


@pytest.mark.usefixtures("catalogs")
def test_python_code_translates_in_its_package_domain() -> None:
    assert Domain("facility").gettext("es", "Open") == "Abierta"
    assert Domain("mds").gettext("es", "Open") == "Abierto"
    assert Domain("mds").gettext("es", NC_("action", "Open")) == "Abrir"
    assert Domain("mds").gettext("en", NC_("action", "Open")) == "Open"


def test_a_package_domain_must_exist() -> None:
    with pytest.raises(ValueError, match="unknown gettext domain"):
        Domain("mds_upload")


def test_the_six_colliding_ids_read_right_in_the_shipped_catalogs() -> None:
    """The collisions of one shared namespace (issue 15): each use now has its own Spanish."""
    from facility.utilization import forms as utilization_forms
    from mds.workflow import controllers as workflow_controllers
    from surveys.readiness import forms as survey_forms

    surveys, mds, facility = Domain("surveys"), Domain("mds"), Domain("facility")
    assert surveys.gettext("es", survey_forms.TASK_STATUSES["open"]) == "Abierta"
    assert surveys.gettext("es", survey_forms.FINDING_STATUSES["open"]) == "Abierto"
    assert surveys.gettext("es", survey_forms.TASK_STATUSES["done"]) == "Realizada"
    assert facility.gettext("es", utilization_forms.TRIPLE_STATUS_LABELS["open"]) == "Abierta"
    assert facility.gettext("es", utilization_forms.TRIPLE_STATUS_LABELS["failed"]) == "No aprobada"
    assert mds.gettext("es", workflow_controllers.STATE_LABELS["done"]) == "Completada"
    assert mds.gettext("es", NC_("action", "Open")) == "Abrir"
    assert mds.gettext("es", NC_("action", "Start")) == "Iniciar"
    assert facility.gettext("es", NC_("page title", "Start")) == "Inicio"
    assert mds.gettext("es", NC_("upload status", "Failed")) == "Fallida"
    assert surveys.gettext("es", NC_("recommendation", "Based on")) == "Basada en"
    assert mds.gettext("es", NC_("PDPM component", "Based on")) == "Basado en"
    assert surveys.gettext("es", NC_("plan of correction", "Signed")) == "Firmado"
    assert mds.gettext("es", NC_("section status", "Signed")) == "Firmada"
    assert surveys.gettext("en", survey_forms.TASK_STATUSES["open"]) == "Open"
