"""Hypothesis strategies for MDS records, driven by the catalog-based generator in mds.record.testing."""

from __future__ import annotations

from hypothesis import strategies as st

from mds.record.testing import ASSESSMENT_ISCS, random_assessment


def assessments(iscs: tuple[str, ...] = ASSESSMENT_ISCS) -> st.SearchStrategy[dict[str, str]]:
    """Valid assessments: every item active on the subset present, every implemented edit satisfied."""
    return st.builds(
        lambda rng, isc: random_assessment(rng, isc=isc),
        st.randoms(use_true_random=False),
        st.sampled_from(iscs),
    )
