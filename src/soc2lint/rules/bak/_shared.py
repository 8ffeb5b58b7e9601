"""Code several BAK rules share."""

from __future__ import annotations

CHECKLIST = "F. Backup Strategy"
