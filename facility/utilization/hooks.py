"""What utilization review reads from the MDS package, which sits above facility (facility <- mds): declared
here, implemented by mds's plugin (mds/plugin.py), checked at start-up (docs/DEVELOPING.md, "Plugin contract")."""

from __future__ import annotations

from facility.core.plugins import Hook

ASSESSMENTS_FOR_RESIDENT = Hook(
    "utilization.mds_assessments_for_resident",
    "async (resident_id) -> the resident's MDS assessments, newest first (dicts with id, stay_id, ard, a0310b ...)",
)
ANSWERS_FOR = Hook(
    "utilization.mds_answers_for", "async (assessment ids) -> {assessment id: {item id: value}}"
)
ASSESSMENT_ANSWERS = Hook(
    "utilization.mds_assessment_answers",
    "async (assessment_id) -> {item id: value}; LookupError when unknown",
)
SIGNED_ITEMS_FOR_FACILITY = Hook(
    "utilization.mds_signed_items_for_facility",
    "async (facility_id, item ids, ard_from=date) -> {resident id: [the signed records' items]}",
)
PDPM_CLASSIFY = Hook(
    "utilization.pdpm_classify",
    "({item id: value}) -> PDPM result (.hipps, .warnings); ValueError when it cannot",
)
PDPM_CLINICAL_CATEGORIES = Hook("utilization.pdpm_clinical_categories", "() -> the PDPM clinical categories")
DEMO_PRIMARY_DIAGNOSIS = Hook(
    "utilization.demo_primary_diagnosis",
    "(resident_id) -> (ICD-10 code, text, PDPM clinical category) of the demo resident's MDS records",
)

HOOKS = (
    ASSESSMENTS_FOR_RESIDENT,
    ANSWERS_FOR,
    ASSESSMENT_ANSWERS,
    SIGNED_ITEMS_FOR_FACILITY,
    PDPM_CLASSIFY,
    PDPM_CLINICAL_CATEGORIES,
    DEMO_PRIMARY_DIAGNOSIS,
)
