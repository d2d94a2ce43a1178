"""Utilization review tables (payers, Medicare day counts, authorisations, denials/appeals, diagnoses)."""

from __future__ import annotations
