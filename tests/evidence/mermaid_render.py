"""Render Mermaid diagrams in a real headless Chromium, without any network.

The page loads ``mermaid.min.js`` from the local npm install over ``file://``
(no server, no CDN), parses and renders every diagram with ``mermaid.render`` (with GitHub's limit of
50,000 characters a diagram, Mermaid's default ``maxTextSize``),
inserts each SVG into the page and measures it, and writes one JSON line
into the DOM, which ``chromium --dump-dom`` prints.  ``.ci/run`` installs
Debian's ``chromium`` and ``npm install --prefix .cache/mermaid mermaid@11``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MERMAID_CANDIDATES = (
    REPO / ".cache" / "mermaid" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js",
    Path("/usr/lib/node_modules/mermaid/dist/mermaid.min.js"),
    Path("/usr/local/lib/node_modules/mermaid/dist/mermaid.min.js"),
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><script src="{script}"></script></head>
<body><pre id="result">pending</pre><div id="stage"></div>
<script id="diagrams" type="application/json">{diagrams}</script>
<script>
(async () => {{
  const out = [];
  try {{
    const diagrams = JSON.parse(document.getElementById("diagrams").textContent);
    mermaid.initialize({{startOnLoad: false, securityLevel: "strict", maxTextSize: 50000,
                        maxEdges: 5000, flowchart: {{htmlLabels: false}}}});
    for (let i = 0; i < diagrams.length; i++) {{
      try {{
        await mermaid.parse(diagrams[i]);
        const {{svg}} = await mermaid.render("d" + i, diagrams[i]);
        const holder = document.createElement("div");
        holder.innerHTML = svg;
        document.getElementById("stage").appendChild(holder);
        const el = holder.querySelector("svg");
        const box = el ? el.getBBox() : {{width: 0, height: 0}};
        out.push({{ok: true, svg_length: svg.length, width: box.width, height: box.height,
                  nodes: holder.querySelectorAll("g.node").length,
                  edges: holder.querySelectorAll("path.flowchart-link, .edgePaths path").length,
                  strokes: Array.from(new Set(Array.from(holder.querySelectorAll("path"))
                    .map(p => (p.getAttribute("stroke") || "").toLowerCase())
                    .filter(c => c && c !== "none"))),
                  error_svg: /Syntax error in text/.test(svg),
                  too_large: /Maximum text size in diagram exceeded/.test(svg)}});
      }} catch (e) {{
        out.push({{ok: false, error: String((e && e.message) || e)}});
      }}
    }}
  }} catch (e) {{
    out.push({{ok: false, error: "page: " + String((e && e.message) || e)}});
  }}
  document.getElementById("result").textContent = "RESULT:" + JSON.stringify(out) + ":END";
}})();
</script></body></html>
"""


@dataclass(frozen=True)
class Rendered:
    ok: bool
    error: str = ""
    svg_length: int = 0
    width: float = 0.0
    height: float = 0.0
    nodes: int = 0
    edges: int = 0
    #: distinct stroke colours of the drawn paths (an xychart's lines)
    strokes: tuple[str, ...] = ()
    error_svg: bool = False
    #: Mermaid drew its "maximum text size exceeded" notice instead (GitHub: 50,000)
    too_large: bool = False


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def find_mermaid() -> Path | None:
    env = os.environ.get("SOC2LINT_MERMAID_JS")
    if env and Path(env).is_file():
        return Path(env)
    for p in MERMAID_CANDIDATES:
        if p.is_file():
            return p
    return None


def render(
    diagrams: list[str], *, chromium: str, mermaid_js: Path, timeout: float = 120
) -> list[Rendered]:
    """Render every diagram in one Chromium run; one result per diagram."""
    with tempfile.TemporaryDirectory(prefix="soc2lint-mermaid-") as tmp:
        work = Path(tmp)
        shutil.copyfile(mermaid_js, work / "mermaid.min.js")
        data = json.dumps(diagrams).replace("</", "<\\/")
        (work / "page.html").write_text(
            PAGE.format(script="mermaid.min.js", diagrams=data), encoding="utf-8"
        )
        profile = work / "profile"
        profile.mkdir()
        cmd = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-default-apps",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            "--allow-file-access-from-files",
            "--virtual-time-budget=60000",
            "--dump-dom",
            (work / "page.html").as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    m = re.search(r"RESULT:(.*?):END", proc.stdout, flags=re.S)
    if not m:
        raise RuntimeError(
            f"chromium produced no result (exit {proc.returncode}): {proc.stderr[-2000:]}"
        )
    items = json.loads(html.unescape(m.group(1)))
    return [
        Rendered(
            ok=bool(i.get("ok")),
            error=str(i.get("error", "")),
            svg_length=int(i.get("svg_length", 0)),
            width=float(i.get("width", 0) or 0),
            height=float(i.get("height", 0) or 0),
            nodes=int(i.get("nodes", 0)),
            edges=int(i.get("edges", 0)),
            strokes=tuple(str(c) for c in i.get("strokes", [])),
            error_svg=bool(i.get("error_svg", False)),
            too_large=bool(i.get("too_large", False)),
        )
        for i in items
    ]
