"""MDS assessment pages: start from the resident's Assessments tab, section-by-section entry (htmx,
skip patterns live, inline edits, autosave, 409 on stale saves), Z0400/Z0500 signatures with the
password re-entered, corrections, versions and diff, integrity banner. Services do every query."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, MediaType, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from facility.auth.passwords import verify_password
from facility.core import audit, clock
from facility.core.db import StaleVersion, write_transaction
from facility.core.forms import N_, NC_, parse_date, parse_version
from facility.residents import services as facility_services
from facility.tables import User
from facility.web.core import (
    CLINICAL_WRITE_ROLES,
    READ_ROLES,
    actor_of,
    current_user,
    denied_as_not_found,
    flash,
    is_partial,
    record_view,
    redirect_after_post,
    render,
)
from facility.web.i18n import locale_for
from mds.assessments import entry_grid, forms, services, signing
from mds.i18n import gettext
from mds.pdpm import icd10 as pdpm_icd10
from mds.pdpm import rules as pdpm
from mds.record import rfa as rfa_rules
from mds.record.catalog import UnsupportedTargetDate, get_catalog
from mds.record.skips import gateways_in

Z0400_ROLES = tuple(sorted(signing.Z0400_ROLES))
Z0500_ROLES = tuple(sorted(signing.Z0500_ROLES))
SECTION_STATUS_LABELS = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "complete": N_("Complete"),
    "signed": NC_("section status", "Signed"),
}
STATUS_LABELS = {
    "in_progress": N_("In progress"),
    "correcting": N_("Being corrected"),
    "completed": N_("Signed and locked"),
    "inactivated": N_("Inactivated"),
}
BLOCK_MESSAGES = {
    "sections_open": N_("Complete every section before signing. Still open: %(sections)s"),
    "caa": N_("Care Area Assessment decision missing: %(text)s"),
}


def _today() -> date:
    return clock.today()


_redirect = redirect_after_post


_deny = denied_as_not_found


async def _assessment_or_404(request: Request[Any, Any, Any], assessment_id: int) -> dict[str, Any]:
    assessment = await services.get_assessment(current_user(request), assessment_id)
    if assessment is None:
        raise await _deny(request, "mds_assessment", assessment_id)
    return assessment


async def _pdpm_of(assessment: dict[str, Any]) -> dict[str, Any] | None:
    """PDPM groups and HIPPS of a PPS or OBRA assessment from its answers alone (None for tracking/discharge
    records, or when A0310A/A0310B cannot be classified yet)."""
    if not pdpm.classifiable(assessment["a0310a"], assessment["a0310b"]):
        return None
    answers = await services.assessment_answers(assessment["id"])
    try:
        result = pdpm.classify(answers)
    except pdpm.PdpmError:
        return None
    return {"result": result, "diagnosis": answers.get("I0020B", ""), "mapping_year": pdpm_icd10.MAPPING_YEAR}


async def _password_ok(request: Request[Any, Any, Any], password: str) -> bool:
    row = await User.select(User.password_hash).where(User.id == current_user(request).id).first()
    ok, _ = await verify_password(row["password_hash"] if row else None, password)  # argon2 runs off the loop
    if not ok:
        async with write_transaction():
            await audit.record(
                actor_of(request), "denied", "mds_signature", current_user(request).id, outcome="bad_password"
            )
    return ok


def _signing_messages(errors: list[tuple[str, dict[str, object]]], lang: str) -> list[str]:
    out = []
    for message_id, params in errors:
        if message_id in signing.MESSAGES:
            out.append(signing.message(message_id, lang, **params))
        elif message_id in BLOCK_MESSAGES:
            out.append(gettext(lang, BLOCK_MESSAGES[message_id], **{k: str(v) for k, v in params.items()}))
    return out


def _section_ids(assessment: dict[str, Any], section: str) -> tuple[list[str], str]:
    """(items of the section, item set) as forms.parse_section takes them: the record's own item set."""
    version = assessment["item_set"]
    return services.section_items(assessment["isc"], section, version), version


# ---------------------------------------------------------------- resident tab


async def _start_context(
    request: Request[Any, Any, Any],
    resident: dict[str, Any],
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    lang = locale_for(request)
    return {
        "lang": lang,
        "assessments": await services.assessments_for_resident(resident["id"]),
        "choices": rfa_rules.rfa_choices(lang),
        "stays": await services.open_stays(resident["id"]),
        "form": values or {},
        "errors": errors or {},
        "status_labels": STATUS_LABELS,
        "resident": resident,
    }


async def assessments_tab(
    request: Request[Any, Any, Any], resident: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    return "mds/_resident_tab.html", await _start_context(request, resident)


async def _start_refused(
    request: Request[Any, Any, Any], resident: dict[str, Any], form: dict[str, Any], errors: dict[str, str]
) -> Template:
    """The resident page again with the start form's errors (422): nothing was created."""
    context = {
        "resident": resident,
        "tab": "assessments",
        "tabs": ("overview", "assessments", "careplan", "utilization"),
        "tab_template": "mds/_resident_tab.html",
        "stays": [],
        "event_kinds": (),
        "payers": (),
        "stay_errors": {},
        "stay_values": {},
    }
    context["tab_context"] = await _start_context(request, resident, form, errors)
    return render(request, "residents/detail.html", context, fragment="residents/_tab.html", status_code=422)


# ---------------------------------------------------------------- pages


async def _cms_result(assessment_id: int) -> dict[str, Any] | None:
    """The imported CMS final-validation result of the latest export (mds.workflow), shown where the record is fixed."""
    from mds.workflow.services import cms_result

    return await cms_result(assessment_id)


class AssessmentController(Controller):
    path = "/mds"
    include_in_schema = False
    opt = {"roles": READ_ROLES}

    @post("/residents/{resident_id:int}/assessments", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def start(
        self, request: Request[Any, Any, Any], resident_id: int
    ) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        resident = await facility_services.get_resident(user, resident_id)
        if resident is None:
            raise await _deny(request, "resident", resident_id)
        form = dict(await request.form())
        stays = {str(s["id"]): s for s in await services.open_stays(resident_id)}
        stay = stays.get(str(form.get("stay_id", ""))) or (
            next(iter(stays.values())) if len(stays) == 1 else None
        )
        prior = [
            a
            for a in await services.assessments_for_resident(resident_id)
            if stay and a["stay_id"] == stay["id"] and a["status"] != "inactivated"
        ]
        prior_count = sum(
            1 for a in prior if a["a0310a"] != "99" or a["a0310b"] == "01" or a["a0310f"] in ("10", "11")
        )
        values, errors = forms.validate_start(
            form, _today(), stay["admission_date"] if stay else None, prior_count
        )
        if stay is None:
            errors["stay_id"] = N_("This resident has no open stay; record an admission first.")
        if errors or stay is None:
            return await _start_refused(request, resident, form, errors)
        try:
            assessment_id = await services.start_assessment(
                actor_of(request),
                user,
                resident,
                stay,
                values["rfa"],
                values["ard"],
                carry_forward=values["carry_forward"],
            )
        except UnsupportedTargetDate:
            return await _start_refused(
                request,
                resident,
                form,
                {"ard": N_("The item set in effect on this target date is not available.")},
            )
        flash(request, gettext(locale_for(request), "Assessment started."), "success")
        return _redirect(request, f"/mds/assessments/{assessment_id}")

    @get("/assessments/{assessment_id:int}", media_type=MediaType.HTML)
    async def overview(self, request: Request[Any, Any, Any], assessment_id: int) -> Template:
        assessment = await _assessment_or_404(request, assessment_id)
        await record_view(
            request,
            "mds_assessment",
            assessment_id,
            facility_id=assessment["facility"],
            resident_id=assessment["resident"],
        )
        return Template("mds/assessment.html", context=await self._overview_context(request, assessment))

    async def _overview_context(
        self, request: Request[Any, Any, Any], assessment: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        lang = locale_for(request)
        sections = await services.sections_of(assessment["id"])
        order = services.entry_sections(assessment["isc"], assessment["item_set"])
        catalog = get_catalog(assessment["item_set"])
        return {
            "a": assessment,
            "lang": lang,
            "resident": await services.resident_of(assessment),
            "sections": [sections[s] for s in order if s in sections],
            "section_names": {s: catalog.section_name(s, lang) for s in order},
            "attestations": await services.attestations_of(assessment["id"]),
            "versions": await services.versions_of(assessment["id"]),
            "integrity": await services.integrity_problems(assessment["id"]),
            "section_labels": SECTION_STATUS_LABELS,
            "status_labels": STATUS_LABELS,
            "today": _today(),
            "sign_errors": [],
            "attest_errors": [],
            "pdpm": await _pdpm_of(assessment),
            "cms_result": await _cms_result(assessment["id"]),
            **extra,
        }

    # ------------------------------------------------------------ sections

    async def _section_or_404(
        self, request: Request[Any, Any, Any], assessment_id: int, section: str
    ) -> dict[str, Any]:
        assessment = await _assessment_or_404(request, assessment_id)
        if section not in services.entry_sections(assessment["isc"], assessment["item_set"]):
            raise NotFoundException()
        return assessment

    async def _section_context(
        self,
        request: Request[Any, Any, Any],
        assessment: dict[str, Any],
        section: str,
        state: services.SectionState,
        **extra: Any,
    ) -> dict[str, Any]:
        lang = locale_for(request)
        catalog = get_catalog(assessment["item_set"])
        by_item: dict[str, list[Any]] = {}
        other: list[Any] = []
        for finding in state.findings:
            (by_item.setdefault(finding.item, []) if finding.item in state.items else other).append(finding)
        order = services.entry_sections(assessment["isc"], assessment["item_set"])
        position = order.index(section)
        items = [catalog.items[i] for i in state.items]
        statuses = await services.section_statuses(assessment["id"])
        section_list = [
            {
                "section": s,
                "name": catalog.section_name(s, lang),
                "status": state.section["status"] if s == section else statuses[s],
            }
            for s in order
            if s in statuses
        ]
        return {
            "resident": await services.resident_of(assessment),
            "section_list": section_list,
            "a": assessment,
            "section": section,
            "section_name": catalog.section_name(section, lang),
            "lang": lang,
            "row": state.section,
            "items": items,
            "item_by_id": {i.id: i for i in items},
            "blocks": entry_grid.blocks(state.items, {i.id: i.label_en for i in items}),
            "oob_head": is_partial(request),
            "values": state.values,
            "skipped": state.skipped,
            "findings": by_item,
            "other_findings": other,
            "gateways": gateways_in(state.items, assessment["item_set"]),
            "controls": {i: forms.control_for(catalog.items[i]) for i in state.items},
            "display": forms.display_value,
            "options": forms.select_options,
            "carried": set(state.section.get("carried") or []),
            "errors": {},
            "conflict": None,
            "locked": assessment["locked"],
            "previous": order[position - 1] if position else None,
            "next": order[position + 1] if position + 1 < len(order) else None,
            "section_labels": SECTION_STATUS_LABELS,
            "saved": False,
            "draft_restored": False,
            **extra,
        }

    @get("/assessments/{assessment_id:int}/sections/{section:str}", media_type=MediaType.HTML)
    async def section_page(
        self, request: Request[Any, Any, Any], assessment_id: int, section: str
    ) -> Template:
        assessment = await self._section_or_404(request, assessment_id, section)
        await record_view(
            request,
            "mds_assessment",
            assessment_id,
            facility_id=assessment["facility"],
            resident_id=assessment["resident"],
        )
        rows = await services.section_rows(assessment_id, section)
        draft = rows[section].get("draft")
        values = None
        if draft and not assessment["locked"]:
            values, _ = forms.parse_section(draft, *_section_ids(assessment, section))
        state = await services.section_state(assessment, section, values, rows=rows)
        context = await self._section_context(
            request, assessment, section, state, draft_restored=bool(values)
        )
        return render(request, "mds/section.html", context, fragment="mds/_section_form.html")

    @post(
        "/assessments/{assessment_id:int}/sections/{section:str}",
        opt={"roles": CLINICAL_WRITE_ROLES},
        status_code=200,
        media_type=MediaType.HTML,
    )
    async def save_section(
        self, request: Request[Any, Any, Any], assessment_id: int, section: str
    ) -> Template | Redirect | ClientRedirect:
        assessment = await self._section_or_404(request, assessment_id, section)
        form = await request.form()
        values, errors = forms.parse_section(form, *_section_ids(assessment, section))
        version = parse_version(form)
        if assessment["locked"]:
            state = await services.section_state(assessment, section, values)
            return render(
                request,
                "mds/section.html",
                await self._section_context(request, assessment, section, state),
                fragment="mds/_section_form.html",
                status_code=409,
            )
        if errors or version is None:
            state = await services.section_state(assessment, section, values)
            if version is None:
                errors["version"] = N_("The form is missing its version; reload the page.")
            return render(
                request,
                "mds/section.html",
                await self._section_context(request, assessment, section, state, errors=errors),
                fragment="mds/_section_form.html",
                status_code=422,
            )
        try:
            state = await services.save_section(
                actor_of(request), current_user(request), assessment, section, version, values
            )
        except StaleVersion as stale:
            # Nothing lost: the user's values stay in the form beside who saved first.
            state = await services.section_state(assessment, section, values)
            current = stale.current or {}
            names = await services.user_names([current.get("entered_by") or 0])
            state.section["version"] = version
            conflict = {"by": names.get(current.get("entered_by") or 0, ""), "at": current.get("entered_at")}
            return render(
                request,
                "mds/section.html",
                await self._section_context(request, assessment, section, state, conflict=conflict),
                fragment="mds/_section_form.html",
                status_code=409,
            )
        except services.Locked:
            state = await services.section_state(assessment, section, values)
            return render(
                request,
                "mds/section.html",
                await self._section_context(request, assessment, section, state, locked=True),
                fragment="mds/_section_form.html",
                status_code=409,
            )
        context = await self._section_context(request, assessment, section, state, saved=True)
        fatal = any(f.severity == "fatal" and f.item in state.items for f in state.findings)
        if str(form.get("then", "")) == "next" and context["next"] and not fatal:
            # Enter (the form's default button): saved, on to the next section. Edits that block stay in view.
            flash(
                request,
                gettext(locale_for(request), "Section %(section)s saved.", section=section),
                "success",
            )
            return _redirect(request, f"/mds/assessments/{assessment_id}/sections/{context['next']}")
        return render(request, "mds/section.html", context, fragment="mds/_section_form.html")

    @post(
        "/assessments/{assessment_id:int}/sections/{section:str}/draft",
        opt={"roles": CLINICAL_WRITE_ROLES},
        status_code=200,
        media_type=MediaType.HTML,
    )
    async def save_draft(self, request: Request[Any, Any, Any], assessment_id: int, section: str) -> Template:
        assessment = await self._section_or_404(request, assessment_id, section)
        form = dict(await request.form())
        try:
            at = await services.save_draft(current_user(request), assessment, section, form)
        except services.Locked:
            return Template("mds/_draft_status.html", context={"at": None, "locked": True}, status_code=409)
        return Template("mds/_draft_status.html", context={"at": at, "locked": False})

    @post(
        "/assessments/{assessment_id:int}/sections/{section:str}/preview",
        opt={"roles": CLINICAL_WRITE_ROLES},
        status_code=200,
        media_type=MediaType.HTML,
    )
    async def preview(self, request: Request[Any, Any, Any], assessment_id: int, section: str) -> Template:
        """A gateway changed: keep the draft and re-render the section with the skip patterns applied."""
        assessment = await self._section_or_404(request, assessment_id, section)
        form = await request.form()
        values, errors = forms.parse_section(form, *_section_ids(assessment, section))
        if not assessment["locked"]:
            await services.save_draft(current_user(request), assessment, section, dict(form))
        state = await services.section_state(assessment, section, values)
        state.section["version"] = parse_version(form) or state.section["version"]
        return render(
            request,
            "mds/section.html",
            await self._section_context(request, assessment, section, state, errors=errors),
            fragment="mds/_section_form.html",
        )

    # ------------------------------------------------------------ signatures

    @post("/assessments/{assessment_id:int}/attest", opt={"roles": Z0400_ROLES}, status_code=303)
    async def attest(
        self, request: Request[Any, Any, Any], assessment_id: int
    ) -> Template | Redirect | ClientRedirect:
        assessment = await _assessment_or_404(request, assessment_id)
        form = await request.form()
        lang = locale_for(request)
        sections = [str(s) for s in form.getall("sections", [])] if hasattr(form, "getall") else []
        if not await _password_ok(request, forms.parse_password(form)):
            return await self._overview_error(
                request, assessment, attest_errors=[gettext(lang, "The password is not correct.")]
            )
        try:
            await services.attest(actor_of(request), current_user(request), assessment, sections, _today())
        except services.Locked:
            return await self._overview_error(
                request,
                assessment,
                status=409,
                attest_errors=[gettext(lang, "This assessment is signed and locked.")],
            )
        except signing.SigningError as exc:
            return await self._overview_error(
                request, assessment, attest_errors=_signing_messages(exc.errors, lang)
            )
        flash(request, gettext(lang, "Sections attested (Z0400)."), "success")
        return _redirect(request, f"/mds/assessments/{assessment_id}")

    @post("/assessments/{assessment_id:int}/sign", opt={"roles": Z0500_ROLES}, status_code=303)
    async def sign(
        self, request: Request[Any, Any, Any], assessment_id: int
    ) -> Template | Redirect | ClientRedirect:
        assessment = await _assessment_or_404(request, assessment_id)
        form = await request.form()
        lang = locale_for(request)
        z0500b = parse_date(str(form.get("z0500b", "")))
        if z0500b is None:
            return await self._overview_error(
                request, assessment, sign_errors=[gettext(lang, "Enter a date as YYYY-MM-DD.")]
            )
        if not await _password_ok(request, forms.parse_password(form)):
            return await self._overview_error(
                request, assessment, sign_errors=[gettext(lang, "The password is not correct.")]
            )
        try:
            await services.sign(actor_of(request), current_user(request), assessment, z0500b, _today())
        except services.Locked:
            return await self._overview_error(
                request,
                assessment,
                status=409,
                sign_errors=[gettext(lang, "This assessment is signed and locked.")],
            )
        except (signing.SigningError, services.Blocked) as exc:
            return await self._overview_error(
                request, assessment, sign_errors=_signing_messages(exc.errors, lang)
            )
        except StaleVersion:
            return await self._overview_error(
                request,
                assessment,
                status=409,
                sign_errors=[gettext(lang, "Someone else changed this record. Review it and try again.")],
            )
        flash(request, gettext(lang, "Assessment signed and locked (Z0500)."), "success")
        return _redirect(request, f"/mds/assessments/{assessment_id}")

    async def _overview_error(
        self, request: Request[Any, Any, Any], assessment: dict[str, Any], status: int = 422, **errors: Any
    ) -> Template:
        context = await self._overview_context(request, assessment, **errors)
        return Template("mds/assessment.html", context=context, status_code=status)

    # ------------------------------------------------------------ corrections and versions

    @get("/assessments/{assessment_id:int}/correct", media_type=MediaType.HTML, opt={"roles": Z0500_ROLES})
    async def correct_form(self, request: Request[Any, Any, Any], assessment_id: int) -> Template:
        assessment = await _assessment_or_404(request, assessment_id)
        return Template("mds/correct.html", context=self._correct_context(request, assessment, {}, []))

    def _correct_context(
        self,
        request: Request[Any, Any, Any],
        assessment: dict[str, Any],
        values: dict[str, Any],
        errors: list[str],
    ) -> dict[str, Any]:
        return {
            "a": assessment,
            "lang": locale_for(request),
            "values": values,
            "errors": errors,
            "x0900": signing.X0900_REASONS,
            "x1050": signing.X1050_REASONS,
        }

    @post("/assessments/{assessment_id:int}/correct", opt={"roles": Z0500_ROLES}, status_code=303)
    async def correct(
        self, request: Request[Any, Any, Any], assessment_id: int
    ) -> Template | Redirect | ClientRedirect:
        assessment = await _assessment_or_404(request, assessment_id)
        form = await request.form()
        lang = locale_for(request)
        values, errors = forms.parse_correction(form)
        messages = [gettext(lang, m) for m in errors.values()]
        if not messages and not await _password_ok(request, forms.parse_password(form)):
            messages = [gettext(lang, "The password is not correct.")]
        if not messages:
            try:
                x0800 = await services.start_correction(
                    actor_of(request),
                    current_user(request),
                    assessment,
                    values["kind"],
                    values["reasons"],
                    values["other_text"],
                    _today(),
                )
            except signing.SigningError as exc:
                messages = _signing_messages(exc.errors, lang)
            except StaleVersion:
                messages = [gettext(lang, "Someone else changed this record. Review it and try again.")]
        if messages:
            return Template(
                "mds/correct.html",
                context=self._correct_context(request, assessment, values, messages),
                status_code=422,
            )
        flash(request, gettext(lang, "Correction %(number)s started.", number=x0800), "success")
        return _redirect(request, f"/mds/assessments/{assessment_id}")

    @get("/assessments/{assessment_id:int}/versions", media_type=MediaType.HTML)
    async def versions(
        self, request: Request[Any, Any, Any], assessment_id: int, a: int = 0, b: int = 0
    ) -> Template:
        assessment = await _assessment_or_404(request, assessment_id)
        versions = await services.versions_of(assessment_id)
        changes = None
        if a and b:
            changes = await services.version_diff(assessment_id, a, b)
        elif len(versions) >= 2:
            a, b = versions[-2]["number"], versions[-1]["number"]
            changes = await services.version_diff(assessment_id, a, b)
        catalog = get_catalog(assessment["item_set"])
        context = {
            "a": assessment,
            "lang": locale_for(request),
            "versions": versions,
            "changes": changes,
            "first": a,
            "second": b,
            "catalog": catalog,
        }
        return render(request, "mds/versions.html", context, fragment="mds/_diff.html")


ROUTE_HANDLERS = [AssessmentController]
NAV: list[Any] = []  # the coordinator dashboard (issue 5 part B) adds its entry here
RESIDENT_TABS = {"assessments": assessments_tab}
