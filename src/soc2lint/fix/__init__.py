"""``soc2lint fix``: the obvious remedy of a finding, written where the value is set.

:mod:`.remedies` says which findings have a fix and whether it is safe;
:mod:`.text` edits source text by position; :mod:`.plan` turns a finding into
the new text of the files it edits; :mod:`.run` applies, re-scans, rolls back
and writes; :mod:`.suggest` offers the same edits to the reports (SARIF
``fixes``, rdjson suggestions, the markdown review).
"""
