"""A rule's examples file: good and bad configurations per language, beside the rule's module.

``enc004_efs_encrypted.py`` has ``enc004_efs_encrypted.examples.yaml``::

    terraform:
      bad:
        - note: encrypted defaults to false
          code: |
            resource "aws_efs_file_system" "data" {  # <- ENC004
              creation_token = "data"
            }
      good:
        - code: |
            resource "aws_efs_file_system" "data" {
              encrypted = true
            }
    cloudformation:
      bad:
        - files:
            template.yaml: |
              Resources:
                Data:  # <- ENC004
                  Type: AWS::EFS::FileSystem
      good: [...]

Each case is ``code`` (one file: ``main.tf``, or ``template.yaml`` /
``template.json`` for CloudFormation, by whether it starts with ``{``) or
``files`` (relative path -> text, for tfvars, local modules, nested stacks),
with an optional ``note`` and ``options`` (configuration the case runs with:
``account_scope``, ``strict``, thresholds, ``vars``, ``var_files``,
``cfn_parameters``).

A bad case marks the line its finding must point at with ``# <- RULEID`` at
the end of that line, optionally followed by the address the finding must
name (``# <- ENC001 module.db.aws_rds_cluster.this``).  Without one, the
address is the resource whose block holds the line: ``resource "T" "N"`` ->
``T.N`` (``data.T.N`` for a data source) in a root ``.tf`` file, the logical
ID under ``Resources:`` in a root YAML template; anywhere else (modules,
``.tf.json``, JSON templates, variables) the marker must name it.  Markers
are removed before the case is parsed, so the same marker works in JSON,
which has no comments, and inside heredocs.  A good case has no marker.

The file is read only when something needs the examples (the docs, ``soc2lint
explain``, SARIF rule help, the tests), never for a scan's own work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .lazyre import compile_lazily
from .model import Language

#: ``# <- ENC004`` or ``# <- ENC004 module.db.aws_db_instance.main`` at the end of a line
MARKER = compile_lazily(
    r"[ \t]*# <- (?P<rule>[A-Z]{3}\d{3})(?:[ \t]+(?P<address>\S(?:.*\S)?))?[ \t]*$"
)

LANGUAGE_KEYS: tuple[Language, ...] = ("terraform", "cloudformation")
CASE_KEYS = frozenset({"note", "options", "code", "files"})

#: a language's key at the top of an examples file (block scalars are indented, so
#: no line of a case's code can start there)
_LANGUAGE_KEY = compile_lazily(r"^(terraform|cloudformation):", re.MULTILINE)
_TF_BLOCK = compile_lazily(r'^(resource|data)\s+"([^"]+)"\s+"([^"]+)"')
_TOP_LEVEL = compile_lazily(r"^[A-Za-z_]")
_CFN_RESOURCE = compile_lazily(r"^  ([A-Za-z0-9]+):")


class ExamplesError(ValueError):
    """An examples file that cannot be read as the format above."""


def examples_path(module_file: str | Path) -> Path:
    """The examples file beside a rule module: ``x.py`` -> ``x.examples.yaml``."""
    p = Path(module_file)
    return p.with_name(p.stem + ".examples.yaml")


def strip_markers(text: str) -> str:
    """The text with every ``# <- RULEID`` marker removed (what is parsed and shown)."""
    return "".join(MARKER.sub("", line) for line in text.splitlines(keepends=True))


def default_address(language: Language, file: str, lines: list[str], index: int) -> str | None:
    """The address a marker on ``lines[index]`` names when it names none (see above)."""
    if "/" in file:
        return None
    if language == "terraform":
        if not file.endswith(".tf"):
            return None
        for line in reversed(lines[: index + 1]):
            if _TOP_LEVEL.match(line):
                m = _TF_BLOCK.match(line)
                if m is None:
                    return None
                kind, type_, name = m.groups()
                return f"{type_}.{name}" if kind == "resource" else f"data.{type_}.{name}"
        return None
    if not file.endswith((".yaml", ".yml")):
        return None
    for i in range(index, -1, -1):
        m = _CFN_RESOURCE.match(lines[i])
        if m is None:
            continue
        for line in reversed(lines[:i]):
            if _TOP_LEVEL.match(line):
                return m.group(1) if line.rstrip() == "Resources:" else None
        return None
    return None


def _main_file(language: Language, code: str) -> str:
    if language == "terraform":
        return "main.tf"
    return "template.json" if code.lstrip().startswith("{") else "template.yaml"


def _case(data: Any, language: Language, kind: str, rule_id: str, where: str) -> dict[str, Any]:
    """The :class:`~soc2lint.rule.Example` keyword arguments of one case."""
    if not isinstance(data, Mapping):
        raise ExamplesError(f"{where}: a case must be a mapping")
    unknown = set(data) - CASE_KEYS
    if unknown:
        raise ExamplesError(f"{where}: unknown keys {sorted(unknown)}")
    if ("code" in data) == ("files" in data):
        raise ExamplesError(f"{where}: give either `code` or `files`")
    if "code" in data:
        if not isinstance(data["code"], str):
            raise ExamplesError(f"{where}: `code` must be text")
        raw = {_main_file(language, strip_markers(data["code"])): data["code"]}
        single = True
    else:
        files = data["files"]
        if not isinstance(files, Mapping) or not files:
            raise ExamplesError(f"{where}: `files` must map paths to texts")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise ExamplesError(f"{where}: `files` must map paths to texts")
        raw = dict(files)
        single = False
    note = data.get("note", "")
    options = data.get("options", {})
    if not isinstance(note, str):
        raise ExamplesError(f"{where}: `note` must be text")
    if not isinstance(options, Mapping):
        raise ExamplesError(f"{where}: `options` must be a mapping")
    marks: list[tuple[str, int, str | None]] = []
    clean: dict[str, str] = {}
    for name, text in raw.items():
        lines = text.splitlines(keepends=True)
        for i, line in enumerate(lines):
            m = MARKER.search(line.rstrip("\n"))
            if m is None:
                continue
            if m.group("rule") != rule_id:
                raise ExamplesError(
                    f"{where}: {name}:{i + 1} marks {m.group('rule')}, not {rule_id}"
                )
            address = m.group("address") or default_address(
                language, name, [x.rstrip("\n") for x in lines], i
            )
            if address is None:
                raise ExamplesError(
                    f"{where}: {name}:{i + 1}: the marker must name the address "
                    f"(`# <- {rule_id} ADDRESS`)"
                )
            marks.append((name, i + 1, address))
        clean[name] = strip_markers(text)
    kwargs: dict[str, Any] = {"note": note, "options": dict(options)}
    if kind == "good":
        if marks:
            raise ExamplesError(f"{where}: a good case has no `# <- {rule_id}` marker")
    else:
        if len(marks) != 1:
            raise ExamplesError(
                f"{where}: a bad case marks exactly one line with `# <- {rule_id}` "
                f"(found {len(marks)})"
            )
        file, line_no, address = marks[0]
        first = next(iter(raw))
        kwargs.update(address=address, line=line_no, file=None if file == first else file)
    kwargs["code"] = next(iter(clean.values())) if single else clean
    return kwargs


def parse_examples(data: Any, rule_id: str, source: str) -> dict[Language, Any]:
    """The :class:`~soc2lint.rule.Examples` per language of an examples file's data."""
    from .rule import Example, Examples

    if not isinstance(data, Mapping):
        raise ExamplesError(f"{source}: expected a mapping of languages")
    out: dict[Language, Examples] = {}
    for lang, body in data.items():
        if lang not in LANGUAGE_KEYS:
            raise ExamplesError(f"{source}: unknown language {lang!r}")
        if not isinstance(body, Mapping) or set(body) - {"good", "bad"}:
            raise ExamplesError(f"{source}: {lang} must have `bad` and `good` lists")
        cases: dict[str, list[Example]] = {"good": [], "bad": []}
        for kind in ("bad", "good"):
            items = body.get(kind) or []
            if not isinstance(items, list):
                raise ExamplesError(f"{source}: {lang}.{kind} must be a list")
            for i, item in enumerate(items, 1):
                kwargs = _case(item, lang, kind, rule_id, f"{source}: {lang} {kind} #{i}")
                cases[kind].append(Example(**kwargs))
        out[lang] = Examples(good=tuple(cases["good"]), bad=tuple(cases["bad"]))
    return out


def load_examples(path: Path, rule_id: str) -> dict[Language, Any]:
    """Read and check an examples file (raises :class:`ExamplesError`)."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExamplesError(f"{path}: {exc.strerror or exc}") from exc
    # the safe loader, in C when libyaml is there (what yaml.safe_load does, faster)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ExamplesError(f"{path}: {exc}") from exc
    finally:
        loader.dispose()
    return parse_examples(data, rule_id, path.name)


class ExamplesFile(Mapping[Language, Any]):
    """A rule's examples, read from its file the first time they are asked for."""

    def __init__(self, path: Path, rule_id: str) -> None:
        self.path = path
        self.rule_id = rule_id
        self._data: dict[Language, Any] | None = None
        self._languages: frozenset[str] | None = None

    @property
    def loaded(self) -> bool:
        return self._data is not None

    def languages(self) -> frozenset[str]:
        """The languages the file has examples for, from its top-level keys: a scan's
        SARIF rule descriptors need only these, and parsing the YAML cost ~1 ms a rule."""
        if self._data is not None:
            return frozenset(self._data)
        if self._languages is None:
            try:
                text = self.path.read_text(encoding="utf-8")
            except OSError:
                return frozenset(self._load())  # raises the usual ExamplesError
            self._languages = frozenset(_LANGUAGE_KEY.findall(text))
        return self._languages

    def _load(self) -> dict[Language, Any]:
        if self._data is None:
            self._data = load_examples(self.path, self.rule_id)
        return self._data

    def __getitem__(self, key: Language) -> Any:
        return self._load()[key]

    def __iter__(self) -> Iterator[Language]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return f"ExamplesFile({self.path.name!r})"

    # the same file is the same examples: comparing rules must not read it
    def __eq__(self, other: object) -> bool:
        if isinstance(other, ExamplesFile):
            return self.path == other.path and self.rule_id == other.rule_id
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.path, self.rule_id))
