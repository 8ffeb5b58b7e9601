"""A finding on a template `cdk synth` wrote (cdk.out, usually git-ignored) points at the
construct in the CDK app's source, the template line becoming a related location."""

from __future__ import annotations

import shutil
from pathlib import Path

from soc2lint.cdk_sources import construct_id
from soc2lint.config import Config
from soc2lint.engine import ScanResult

from helpers import scan, write_files

CDK_OUT = (
    Path(__file__).resolve().parents[2] / "fixtures" / "cloudformation" / "cdk-app" / "cdk.out"
)

STACK_TS = """import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export class OrdersStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      enforceSSL: true,
    });
  }
}
"""

APP_TS = """#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { OrdersStack } from '../lib/orders-stack';

const app = new cdk.App();
new OrdersStack(app, 'OrdersStack');
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    project = tmp_path / "infra"
    shutil.copytree(CDK_OUT, project / "cdk.out")
    write_files(
        project, {"cdk.json": '{"app": "npx ts-node --prefer-ts-exts bin/orders.ts"}', **files}
    )
    return project


def _bucket_findings(tmp_path: Path) -> list[tuple[str, int, list[tuple[str, int]]]]:
    result: ScanResult = scan([tmp_path], base=tmp_path, config=Config(select=("NET010",)))
    return [
        (f.range.file, f.range.start_line, [(r.range.file, r.range.start_line) for r in f.related])
        for f in result.findings
        if f.rule_id == "NET010"
    ]


def test_the_finding_points_at_the_construct_in_the_stack_source(tmp_path: Path) -> None:
    _project(tmp_path, {"bin/orders.ts": APP_TS, "lib/orders-stack.ts": STACK_TS})
    ((file, line, related),) = _bucket_findings(tmp_path)
    assert (file, line) == ("infra/lib/orders-stack.ts", 9)
    assert related[0][0] == "infra/cdk.out/OrdersStack.template.json"


def test_a_construct_id_that_cannot_be_placed_points_at_the_app_entry(tmp_path: Path) -> None:
    ambiguous = STACK_TS.replace("new s3.Bucket(this, 'Bucket'", "makeBucket(this, 'Bucket'")
    _project(
        tmp_path,
        {
            "bin/orders.ts": APP_TS,
            "lib/orders-stack.ts": ambiguous,
            "lib/other-stack.ts": ambiguous,
        },
    )
    ((file, line, related),) = _bucket_findings(tmp_path)
    assert (file, line) == ("infra/bin/orders.ts", 1)
    assert related[0][0] == "infra/cdk.out/OrdersStack.template.json"


def test_the_same_construct_id_in_two_stacks_is_placed_by_the_stack_class(
    tmp_path: Path,
) -> None:
    other = STACK_TS.replace("OrdersStack", "BillingStack")
    _project(
        tmp_path,
        {
            "bin/orders.ts": APP_TS + "new BillingStack(app, 'BillingStack');\n",
            "lib/orders-stack.ts": STACK_TS,
            "lib/billing-stack.ts": other,
        },
    )
    ((file, line, _related),) = _bucket_findings(tmp_path)
    assert (file, line) == ("infra/lib/orders-stack.ts", 9)


def test_without_cdk_json_or_source_the_template_stays_the_location(tmp_path: Path) -> None:
    project = tmp_path / "infra"
    shutil.copytree(CDK_OUT, project / "cdk.out")
    ((file, _line, _related),) = _bucket_findings(tmp_path)
    assert file == "infra/cdk.out/OrdersStack.template.json"


def test_construct_ids() -> None:
    assert construct_id("OrdersStack/Bucket/Resource") == "Bucket"
    assert construct_id("OrdersStack/Processor/Queue/Default") == "Queue"
    assert construct_id("OrdersStack/CfnQueue") == "CfnQueue"
    assert construct_id("OrdersStack") is None
