"""Benchmark of the Terraform front end: parse, evaluate and graph, separately.

Generates a large deterministic Terraform tree (a root calling many local
modules with ``for_each``; S3 buckets with split settings and ``count``,
security groups with dynamic blocks, IAM policy documents, locals) in a
temporary directory and prints files/s, lines/s and peak memory per phase.

    python bench/tf_bench.py [--modules 40] [--files-per-module 7] [--keys 3] [--jobs 1]

Evaluation is lazy and memoised, so "evaluate" is measured as the first
graph build (which forces every value) minus a second build over the same
memoised instances ("graph").  Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from soc2lint.frontend import LoadOptions
from soc2lint.terraform import find_roots, load_settings, load_terraform
from soc2lint.terraform.adapt import GraphBuilder
from soc2lint.terraform.evaluate import Loader, ModuleInstance, RootContext
from soc2lint.terraform.modules import config_files

MODULE_FILES = {
    "variables.tf": """variable "name" {{
  type = string
}}

variable "environment" {{
  type    = string
  default = "dev"
}}

variable "create_encryption" {{
  type    = bool
  default = true
}}

variable "ingress_ports" {{
  type    = list(number)
  default = [443, 8443]
}}

variable "tags" {{
  type    = map(string)
  default = {{}}
}}

variable "settings" {{
  type = object({{
    retention_days = optional(number, 90)
    versioning     = optional(bool, true)
    replicas       = optional(number, 2)
  }})
  default = {{}}
}}
""",
    "locals.tf": """locals {{
  prefix      = "${{var.name}}-${{var.environment}}-m{index}"
  bucket_keys = toset(["logs", "data", "archive"])
  common_tags = merge(var.tags, {{
    Module      = "m{index}"
    Environment = var.environment
  }})
  rules = [for p in var.ingress_ports : {{
    port        = p
    description = "port ${{p}} from the load balancer"
    cidr        = "10.{index}.0.0/16"
  }}]
  retention = var.settings.retention_days * 2
}}
""",
    "s3.tf": """resource "aws_s3_bucket" "this{s}" {{
  for_each = local.bucket_keys
  bucket   = "${{local.prefix}}{s}-${{each.key}}"
  tags     = merge(local.common_tags, {{ Purpose = each.key }})
}}

resource "aws_s3_bucket_versioning" "this{s}" {{
  for_each = aws_s3_bucket.this{s}
  bucket   = each.value.id

  versioning_configuration {{
    status = var.settings.versioning ? "Enabled" : "Suspended"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "this{s}" {{
  for_each = var.create_encryption ? aws_s3_bucket.this{s} : {{}}
  bucket   = each.value.id

  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this{s}.arn
    }}
  }}
}}

resource "aws_s3_bucket_public_access_block" "this{s}" {{
  for_each                = aws_s3_bucket.this{s}
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}
""",
    "network.tf": """resource "aws_security_group" "this{s}" {{
  name        = "${{local.prefix}}{s}-sg"
  description = "Managed by module m{index}"

  dynamic "ingress" {{
    for_each = local.rules
    content {{
      description = ingress.value.description
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }}
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  tags = local.common_tags
}}

resource "aws_subnet" "private{s}" {{
  count             = var.settings.replicas
  vpc_id            = "vpc-{index:04d}"
  cidr_block        = cidrsubnet("10.{index}.0.0/16", 8, count.index)
  availability_zone = element(["eu-west-1a", "eu-west-1b", "eu-west-1c"], count.index)
  tags              = merge(local.common_tags, {{ Name = "${{local.prefix}}-${{count.index}}" }})
}}
""",
    "iam.tf": """data "aws_iam_policy_document" "read{s}" {{
  statement {{
    sid       = "Read"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [for b in aws_s3_bucket.this{s} : "arn:aws:s3:::${{b.bucket}}/*"]
  }}
}}

data "aws_iam_policy_document" "assume{s}" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "this{s}" {{
  name               = "${{local.prefix}}{s}-role"
  assume_role_policy = data.aws_iam_policy_document.assume{s}.json
}}

resource "aws_iam_role_policy" "read{s}" {{
  role   = aws_iam_role.this{s}.id
  policy = data.aws_iam_policy_document.read{s}.json
}}
""",
    "kms.tf": """resource "aws_kms_key" "this{s}" {{
  description             = "${{local.prefix}}{s} key"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = local.common_tags
}}

resource "aws_cloudwatch_log_group" "this{s}" {{
  name              = "/acme/${{local.prefix}}{s}"
  retention_in_days = local.retention
  kms_key_id        = aws_kms_key.this{s}.arn
}}
""",
    "outputs.tf": """output "bucket_ids" {{
  value = {{ for k, b in aws_s3_bucket.this : k => b.id }}
}}

output "security_group_id" {{
  value = aws_security_group.this.id
}}

output "role_arn" {{
  value = aws_iam_role.this.arn
}}

output "subnet_ids" {{
  value = aws_subnet.private[*].id
}}
""",
}


#: files whose resources are written once per variant (suffixes "", "_v1", ...)
VARIANT_FILES = ("s3.tf", "network.tf", "iam.tf", "kms.tf")


def generate(root: Path, modules: int, files_per_module: int, keys: int, variants: int) -> None:
    names = list(MODULE_FILES)[:files_per_module]
    for i in range(modules):
        d = root / "modules" / f"m{i:02d}"
        d.mkdir(parents=True)
        for name in names:
            if name in VARIANT_FILES:
                text = "\n".join(
                    MODULE_FILES[name].format(index=i, s=f"_v{v}" if v else "")
                    for v in range(variants)
                )
            else:
                text = MODULE_FILES[name].format(index=i)
            (d / name).write_text(text)
    envs = ", ".join(f'"{k}" = {{ environment = "env{k}" }}' for k in range(keys))
    (root / "main.tf").write_text(f"locals {{\n  envs = {{ {envs} }}\n}}\n")
    for i in range(modules):
        (root / f"m{i:02d}.tf").write_text(
            f'module "m{i:02d}" {{\n  source      = "./modules/m{i:02d}"\n'
            f'  for_each    = local.envs\n  name        = "svc{i}"\n'
            f"  environment = each.value.environment\n"
            f'  tags        = {{ Team = "team{i % 5}" }}\n}}\n'
        )
    (root / "providers.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n  default_tags {\n'
        '    tags = { ManagedBy = "terraform" }\n  }\n}\n'
    )


def rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", type=int, default=40)
    ap.add_argument("--files-per-module", type=int, default=7)
    ap.add_argument("--keys", type=int, default=2, help="for_each keys per module call")
    ap.add_argument(
        "--variants", type=int, default=4, help="copies of each resource file's content"
    )
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--tracemalloc", action="store_true", help="also measure Python peaks")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.modules, args.files_per_module, args.keys, args.variants)
        dirs = sorted({p.parent for p in root.rglob("*.tf")})
        files = [f for d in dirs for f in config_files(d)]
        lines = sum(f.read_text().count("\n") for f in files)
        options = LoadOptions(root=root, base=root, jobs=args.jobs)
        if args.tracemalloc:
            tracemalloc.start()
        import hcl2.parser

        hcl2.parser.parser()  # grammar load is start-up, not per-file work

        settings = load_settings()  # what load_terraform runs under
        settings.__enter__()
        loader = Loader(options)
        t0 = time.perf_counter()
        if args.jobs > 1:
            from soc2lint.terraform import _preparse

            _preparse(loader, files, options)
        for f in files:
            loader.parse(f)
        t_parse = time.perf_counter() - t0
        mem_parse = rss_mb()
        roots = find_roots(loader, dirs)
        t1 = time.perf_counter()
        node_count = 0
        instances = []
        for r in roots:
            ctx = RootContext(loader, r)
            cfg = loader.config(r)
            ctx.collect_var_inputs(cfg.variables)
            inst = ModuleInstance(loader, ctx, cfg, "", None, None)
            builder = GraphBuilder(loader, ctx)
            builder.build(inst, [])
            builder.edges()
            instances.append((ctx, inst))
        t_first = time.perf_counter() - t1
        mem_eval = rss_mb()
        t2 = time.perf_counter()
        edge_count = 0
        for ctx, inst in instances:
            builder = GraphBuilder(loader, ctx)
            builder.build(inst, [])
            edge_count += len(builder.edges())
            node_count += len(builder.nodes)
        t_graph = time.perf_counter() - t2
        t_eval = max(0.0, t_first - t_graph)
        mem_graph = rss_mb()
        settings.__exit__(None, None, None)
        py_peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None

        t3 = time.perf_counter()
        full = load_terraform(dirs, [], options)
        t_total = time.perf_counter() - t3

    def rate(n: float, t: float) -> str:
        return f"{n / t:,.0f}" if t > 0 else "inf"

    print(f"input: {len(files)} files, {lines} lines, {len(dirs)} directories")
    print(f"graph: {node_count} nodes, {edge_count} edges")
    print(
        f"parse:    {t_parse:7.3f} s  {rate(len(files), t_parse)} files/s  "
        f"{rate(lines, t_parse)} lines/s  peak RSS {mem_parse:.0f} MB"
    )
    print(
        f"evaluate: {t_eval:7.3f} s  {rate(len(files), t_eval)} files/s  "
        f"{rate(lines, t_eval)} lines/s  peak RSS {mem_eval:.0f} MB"
    )
    print(
        f"graph:    {t_graph:7.3f} s  {rate(node_count, t_graph)} nodes/s  "
        f"peak RSS {mem_graph:.0f} MB"
    )
    print(
        f"load_terraform end to end (parsed again): {t_total:.3f} s, "
        f"{len(full.nodes)} nodes, {len(full.diagnostics)} diagnostics"
    )
    print(f"evaluate+graph / parse = {(t_eval + t_graph) / t_parse:.2f}")
    if py_peak is not None:
        print(f"tracemalloc peak: {py_peak:.0f} MB")


if __name__ == "__main__":
    main()
