"""Code several KEY rules share."""

from __future__ import annotations

CHECKLIST = "B. Key Management"
