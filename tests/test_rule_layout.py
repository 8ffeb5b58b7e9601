"""The built-in rules' layout: a folder per family, one module per rule, its examples beside it.

``src/soc2lint/rules/<family>/<id>_<slug>.py`` holds exactly one rule, listed
once in its family's ``RULES``; ``<id>_<slug>.examples.yaml`` sits beside it;
a family folder holds nothing else but ``__init__.py`` and ``_shared.py``;
``BUILTIN_RULES`` is every family's ``RULES``.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import soc2lint.rules
from soc2lint.rule import Rule
from soc2lint.rule_examples import ExamplesFile, examples_path

RULES_DIR = Path(soc2lint.rules.__file__).parent
MODULE = re.compile(r"^([a-z]{3}\d{3})_([a-z0-9_]+)\.py$")
FAMILIES = sorted(p.name for p in RULES_DIR.iterdir() if (p / "__init__.py").is_file())


def _rules_defined_in(module: object) -> list[Rule]:
    name = getattr(module, "__name__", "")
    return [
        v
        for v in vars(module).values()
        if isinstance(v, Rule) and getattr(v.check, "__module__", None) == name
    ]


def test_there_are_families() -> None:
    assert len(FAMILIES) >= 10, FAMILIES


@pytest.mark.parametrize("family", FAMILIES)
def test_family_folder_holds_one_module_per_rule_each_listed_once(family: str) -> None:
    folder = RULES_DIR / family
    package = importlib.import_module(f"soc2lint.rules.{family}")
    listed: tuple[Rule, ...] = package.RULES
    found: list[Rule] = []
    for path in sorted(folder.iterdir()):
        if path.name in ("__init__.py", "_shared.py", "__pycache__"):
            continue
        if path.name.endswith(".examples.yaml"):
            module = path.with_name(path.name.removesuffix(".examples.yaml") + ".py")
            assert module.is_file(), f"{path.name}: no rule module beside it"
            continue
        m = MODULE.match(path.name)
        assert m, f"{family}/{path.name}: only <id>_<slug>.py, _shared.py and examples files"
        module = importlib.import_module(f"soc2lint.rules.{family}.{path.stem}")
        rules = _rules_defined_in(module)
        assert len(rules) == 1, f"{path.name} defines {len(rules)} rules"
        (r,) = rules
        assert r.id.lower() == m.group(1), f"{path.name} holds {r.id}"
        assert r.slug.replace("-", "_") == m.group(2), f"{path.name} holds {r.slug}"
        assert r.family.lower() == family
        assert isinstance(r.examples, ExamplesFile), f"{r.id}: examples belong in the file"
        assert r.examples.path == examples_path(path), r.id
        assert r.examples.path.is_file(), f"{r.id}: no {r.examples.path.name}"
        found.append(r)
    assert [r.id for r in listed] == sorted(r.id for r in listed), f"{family}.RULES not by ID"
    assert len({r.id for r in listed}) == len(listed), f"{family}.RULES lists a rule twice"
    assert {r.id for r in listed} == {r.id for r in found}, f"{family}.RULES and its modules"
    for r in listed:
        assert any(r is f for f in found), f"{r.id} in {family}.RULES is not its module's rule"


def test_builtin_rules_are_every_familys_rules() -> None:
    expected = [
        r.id
        for family in FAMILIES
        for r in importlib.import_module(f"soc2lint.rules.{family}").RULES
    ]
    assert sorted(r.id for r in soc2lint.rules.BUILTIN_RULES) == sorted(expected)
    assert len(soc2lint.rules.BUILTIN_RULES) == len(expected)


#: Rules that read ``node.language``: only where the two languages really differ (a
#: language-only control, a default or a shape one language does not share). Spelling
#: an attribute in messages is never a reason: Setting.spelled, Attr.path_str and
#: Node.spelled do that.
LANGUAGE_READS = {
    "avl/avl002_elasticache_failover.py": "Terraform's three ways to count nodes vs NodeGroups",
    "chg/chg001_module_source_unpinned.py": "Terraform module sources",
    "chg/chg002_provider_version_unpinned.py": "Terraform provider constraints",
    "chg/chg006_stateful_resource_deletion_policy.py": "CloudFormation DeletionPolicy",
    "enc/enc011_kinesis_stream_encrypted.py": "StreamEncryption mapping vs one attribute",
    "enc/enc013_secret_in_plaintext_parameter.py": "CloudFormation cannot create SecureString",
    "iam/iam011_iam_password_policy.py": "the baseline roots are Terraform roots",
    "key/key004_customer_managed_key.py": "nested block list vs mapping",
    "log/log010_lb_access_logs.py": "ELBv2 attributes list in CloudFormation",
    "log/log013_eks_control_plane_logs.py": "list of names vs list of {Type}",
    "log/log014_apigw_access_logs.py": "deployment stages and DestinationArn",
    "log/log015_apigw_data_trace.py": "where each language writes data tracing",
    "log/log021_security_alarms.py": "metric filter and alarm shapes",
    "log/log022_config_recorder.py": "Terraform turns the recorder on with a status resource",
    "net/_shared.py": "CloudFormation's RDS PubliclyAccessible default",
    "net/net011_s3_public_bucket.py": "grants on the Terraform bucket",
    "sec/sec004_secret_in_environment.py": "container definitions as JSON text in Terraform",
    "sec/sec005_cfn_secret_parameter_noecho.py": "CloudFormation parameters",
    "tls/_shared.py": "Terraform listener protocol inferred from the load balancer",
    "tls/tls001_lb_listener_https.py": "nested block list vs mapping",
    "tls/tls004_opensearch_https.py": "the provider's default inside a written block",
}


def test_rules_read_the_language_only_where_languages_differ() -> None:
    reads: dict[str, int] = {}
    for path in sorted(RULES_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        n = sum(isinstance(x, ast.Attribute) and x.attr == "language" for x in ast.walk(tree))
        if n:
            reads[path.relative_to(RULES_DIR).as_posix()] = n
    unexpected = sorted(set(reads) - set(LANGUAGE_READS))
    assert not unexpected, f"rules reading node.language without a reason: {unexpected}"
    assert sum(reads.values()) <= 25, reads
