"""A generated year of git history for the 50k-line Terraform monorepo (``soc2lint history``).

    python3 bench/history_corpus.py DEST [--commits 1000] [--groups 5] [--seed 20260701]

writes a git repository at DEST whose first commit is ``bench/corpus.py``'s
monorepo (5 groups: about 50k lines, 600 files, 30 roots) and whose branch
``main`` then receives ``--commits`` commits spread over the following 365
days, each editing a few files the way a platform team does:

* a root's variables (``terraform.tfvars``: image tags, desired counts);
* a root gains a resource with a security gap (an S3 bucket without settings,
  a security group open to the internet), which a later commit fixes or
  removes, or silences with an inline suppression that expires 30 to 90 days
  later (so it lapses within the year);
* a shared module changes (its ``force_destroy`` setting, a KMS key's
  rotation default, a variable's description): every root of its group is
  evaluated again;
* a file renamed within its root; documentation only;
* every 25th change is made on a branch of two commits merged with
  ``--no-ff`` (first-parent history sees the merge).

Commit subjects follow GitHub's squash-merge convention (``Subject (#123)``)
with a ticket key (``INFRA-123``); merges are ``Merge pull request #N from
acme/branch``.  Built with ``git fast-import`` (dates, authors and content
fully determined by the seed: two runs write the same commit ids).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

START = 1_735_689_600  # 2025-01-01T00:00:00Z
DAY = 86400
AUTHORS = (
    ("Ana Silva", "ana@example.com"),
    ("Bo Chen", "bo@example.com"),
    ("Chidi Okafor", "chidi@example.com"),
    ("Dana Levi", "dana@example.com"),
)


@dataclass
class Gap:
    """An insecure resource a commit added to a root, and how it stands."""

    root: str
    file: str
    name: str
    rule: str
    suppressed: bool = False


@dataclass
class Model:
    files: dict[str, str]
    rng: random.Random
    gaps: list[Gap] = field(default_factory=list)
    counter: int = 0
    renamed: set[str] = field(default_factory=set)

    def roots(self) -> list[str]:
        return sorted({p.rsplit("/", 1)[0] for p in self.files if p.startswith("live/")})

    def modules(self) -> list[str]:
        return sorted({p.rsplit("/", 1)[0] for p in self.files if p.startswith("modules/")})


Change = tuple[str, str, str]  # (op, path, text or new path)


def _bucket(name: str) -> str:
    return f'resource "aws_s3_bucket" "{name}" {{\n  bucket = "acme-{name.replace("_", "-")}"\n}}\n'


def _open_sg(name: str) -> str:
    return (
        f'resource "aws_security_group" "{name}" {{\n'
        f'  name        = "{name}"\n'
        '  description = "temporary access for a migration"\n'
        "\n"
        "  ingress {\n"
        '    description = "ssh from anywhere"\n'
        "    from_port   = 22\n"
        "    to_port     = 22\n"
        '    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n'
        "  }\n"
        "}\n"
    )


def _tfvars(m: Model) -> tuple[list[Change], str]:
    root = m.rng.choice(m.roots())
    path = f"{root}/terraform.tfvars"
    text = m.files[path]
    tag = f'image_tag     = "v{m.rng.randint(1, 3)}.{m.rng.randint(0, 40)}.{m.rng.randint(0, 9)}"'
    new, n = re.subn(r'image_tag\s+= "[^"]*"', tag, text, count=1)
    if n == 0 or new == text:
        new = text + f"# rollout {m.counter}\n"
    return [("M", path, new)], f"Roll out a new image to {root.split('/', 1)[1]}"


def _add_gap(m: Model) -> tuple[list[Change], str]:
    root = m.rng.choice(m.roots())
    name = f"scratch_{m.counter}"
    if m.rng.random() < 0.5:
        body, rule = _bucket(name), "S3"
    else:
        body, rule = _open_sg(name), "NET"
    path = f"{root}/scratch.tf"
    text = m.files.get(path, "")
    m.gaps.append(Gap(root, path, name, rule))
    return [("M", path, text + ("\n" if text else "") + body)], f"Add {name} for a migration"


def _block_span(text: str, name: str) -> tuple[int, int] | None:
    start = text.find(f'"{name}" {{')
    if start < 0:
        return None
    line_start = text.rfind("\n", 0, start) + 1
    # a suppression comment right above belongs to the block
    above = text.rfind("\n", 0, max(0, line_start - 1)) + 1
    if text[above:line_start].lstrip().startswith("# soc2lint:"):
        line_start = above
    depth = 0
    i = text.find("{", start)
    while i < len(text):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                end = text.find("\n", i)
                return line_start, (len(text) if end < 0 else end + 1)
        i += 1
    return None


def _fix_gap(m: Model) -> tuple[list[Change], str] | None:
    if not m.gaps:
        return None
    gap = m.gaps.pop(m.rng.randrange(len(m.gaps)))
    text = m.files.get(gap.file, "")
    span = _block_span(text, gap.name)
    if span is None:
        return None
    new = (text[: span[0]] + text[span[1] :]).strip("\n")
    if not new:
        return [("D", gap.file, "")], f"Remove {gap.name} after the migration"
    return [("M", gap.file, new + "\n")], f"Remove {gap.name} after the migration"


def _suppress(m: Model, when: int) -> tuple[list[Change], str] | None:
    open_gaps = [g for g in m.gaps if not g.suppressed]
    if not open_gaps:
        return None
    gap = m.rng.choice(open_gaps)
    text = m.files.get(gap.file, "")
    span = _block_span(text, gap.name)
    if span is None:
        return None
    expires = when + m.rng.randint(30, 90) * DAY
    day = _date(expires)
    family = "S3,ENC,LOG" if gap.rule == "S3" else "NET"
    comment = (
        f'# soc2lint: ignore[{family}] reason="migration window, ticket INFRA-{m.counter}" '
        f"expires={day}\n"
    )
    gap.suppressed = True
    new = text[: span[0]] + comment + text[span[0] :]
    return [("M", gap.file, new)], f"Accept {gap.name} until {day}"


def _module(m: Model) -> tuple[list[Change], str]:
    kind = m.rng.choice(("s3", "kms", "other"))
    modules = m.modules()
    if kind == "s3":
        module = m.rng.choice([d for d in modules if "/s3-" in d])
        path = f"{module}/main.tf"
        text = m.files[path]
        if 'force_destroy = var.environment != "prod"' in text:
            new = text.replace('force_destroy = var.environment != "prod"', "force_destroy = false")
        else:
            new = text.replace("force_destroy = false", 'force_destroy = var.environment != "prod"')
        return [("M", path, new)], f"Tune bucket deletion safety in {module.split('/')[1]}"
    if kind == "kms":
        module = m.rng.choice([d for d in modules if "/kms-" in d])
        path = f"{module}/variables.tf"
        text = m.files[path]
        pattern = re.compile(r'(variable "enable_key_rotation" \{[^}]*default\s*=\s*)(true|false)')
        found = pattern.search(text)
        if found is None:
            return [("M", path, text + "\n")], f"Touch {module}"
        flip = "false" if found.group(2) == "true" else "true"
        new = text[: found.start(2)] + flip + text[found.end(2) :]
        return [("M", path, new)], f"Set key rotation default to {flip} in {module.split('/')[1]}"
    module = m.rng.choice(modules)
    path = f"{module}/variables.tf"
    text = m.files.get(path, "")
    new = re.sub(
        r'description = "([^"]*)"',
        lambda mm: f'description = "{mm.group(1).rstrip(".")}."',
        text,
        count=1,
    )
    if new == text:
        new = text + f"\n# reviewed {m.counter}\n"
    return [("M", path, new)], f"Clarify variables of {module.split('/')[1]}"


def _rename(m: Model) -> tuple[list[Change], str] | None:
    root = m.rng.choice(m.roots())
    src = f"{root}/app.tf"
    dst = f"{root}/application.tf"
    if src not in m.files:
        src, dst = dst, src
    if src not in m.files:
        return None
    return [("R", src, dst)], f"Rename {src.rsplit('/', 1)[1]} in {root.split('/', 1)[1]}"


def _docs(m: Model) -> tuple[list[Change], str]:
    text = m.files.get("README.md", "")
    return [("M", "README.md", text + f"\n- note {m.counter}\n")], "Update the README"


def one_change(m: Model, when: int) -> tuple[list[Change], str]:
    m.counter += 1
    while True:
        r = m.rng.random()
        if r < 0.30:
            made = _tfvars(m)
        elif r < 0.44:
            made = _add_gap(m)
        elif r < 0.55:
            made = _fix_gap(m)  # type: ignore[assignment]
        elif r < 0.62:
            made = _suppress(m, when)  # type: ignore[assignment]
        elif r < 0.82:
            made = _module(m)
        elif r < 0.87:
            made = _rename(m)  # type: ignore[assignment]
        else:
            made = _docs(m)
        if made is not None:
            return made


def apply(m: Model, changes: list[Change]) -> None:
    for op, path, value in changes:
        if op == "M":
            m.files[path] = value
        elif op == "D":
            m.files.pop(path, None)
        elif op == "R":
            m.files[value] = m.files.pop(path)


def _date(ts: int) -> str:
    import datetime as _dt

    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).date().isoformat()


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def _ops(changes: list[Change]) -> bytes:
    out = b""
    for op, path, value in changes:
        if op == "M":
            out += f"M 100644 inline {path}\n".encode() + _data(value)
        elif op == "D":
            out += f"D {path}\n".encode()
        else:
            out += f'R "{path}" "{value}"\n'.encode()
    return out


def generate(dest: Path, commits: int = 1000, groups: int = 5, seed: int = 20260701) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "tf"
        corpus.terraform_monorepo(src, groups)
        files = {
            p.relative_to(src).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(src.rglob("*"))
            if p.is_file()
        }
    m = Model(files, random.Random(seed))
    stream = bytearray()
    mark = 0

    def commit(
        ref: str, when: int, message: str, ops: bytes, parent: int | None, merge: int | None = None
    ) -> int:
        nonlocal mark
        mark += 1
        name, email = AUTHORS[mark % len(AUTHORS)]
        stream.extend(f"commit {ref}\nmark :{mark}\n".encode())
        stream.extend(f"author {name} <{email}> {when - 600} +0000\n".encode())
        stream.extend(f"committer {name} <{email}> {when} +0000\n".encode())
        stream.extend(_data(message))
        if parent is not None:
            stream.extend(f"from :{parent}\n".encode())
        if merge is not None:
            stream.extend(f"merge :{merge}\n".encode())
        stream.extend(ops)
        stream.extend(b"\n")
        return mark

    head = commit(
        "refs/heads/main",
        START - DAY,
        "Initial import of the platform monorepo\n",
        _ops([("M", p, t) for p, t in sorted(m.files.items())]),
        None,
    )
    step = 365 * DAY // max(1, commits)
    pr = 100
    i = 0
    while i < commits:
        when = START + i * step + m.rng.randint(0, step // 2)
        pr += 1
        if i % 25 == 24 and i + 1 < commits:
            # a branch of two commits, merged with --no-ff
            branch = f"refs/heads/feature-{pr}"
            first, s1 = one_change(m, when)
            apply(m, first)
            b1 = commit(branch, when - 3600, f"{s1} (INFRA-{pr})\n", _ops(first), head)
            second, s2 = one_change(m, when)
            apply(m, second)
            b2 = commit(branch, when - 1800, f"{s2}\n", _ops(second), b1)
            head = commit(
                "refs/heads/main",
                when,
                f"Merge pull request #{pr} from acme/feature-{pr}\n\n{s1} (INFRA-{pr})\n",
                _ops(first + second),
                head,
                b2,
            )
            i += 1
            continue
        changes, subject = one_change(m, when)
        apply(m, changes)
        body = f"{subject} (#{pr})\n\nINFRA-{pr}\n"
        head = commit("refs/heads/main", when, body, _ops(changes), head)
        i += 1
    dest.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    subprocess.run(
        ["git", "-C", str(dest), "fast-import", "--quiet"], input=bytes(stream), check=True
    )
    subprocess.run(["git", "-C", str(dest), "checkout", "-q", "-f", "main"], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--commits", type=int, default=1000)
    ap.add_argument("--groups", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20260701)
    args = ap.parse_args()
    generate(args.dest, args.commits, args.groups, args.seed)
    print(f"wrote {args.dest}: {args.commits} changes on main")


if __name__ == "__main__":
    main()
