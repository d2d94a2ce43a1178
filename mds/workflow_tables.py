"""MDS workflow tables: export batches and submission tracking of assessment records."""

from __future__ import annotations
