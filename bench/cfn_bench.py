"""Benchmark of the CloudFormation front end (not a test: prints figures, asserts nothing).

    .venv/bin/python bench/cfn_bench.py [--jobs N] [--keep]

Generates, deterministically, under ``bench/out/cfn/``:

* ``large/app.yaml``: one template of 300 resources (network, security
  groups, buckets with policies, roles, functions, queues, databases) with
  parameters, conditions, mappings and short-form intrinsics;
* ``many/*.yaml``: 200 templates of 12 to 40 resources each.

and prints, for each: templates/s, resources/s and wall time, in-process
(``jobs=1``) and with a process pool (``--jobs``, default the CPU count);
then the peak traced memory of loading the large template and the
process's maximum resident set size.  cfn-lint's import (paid once per
process, and once per worker) is timed separately.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from soc2lint.cloudformation import load_cloudformation  # noqa: E402
from soc2lint.frontend import LoadOptions  # noqa: E402

OUT = ROOT / "bench" / "out" / "cfn"

HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: generated benchmark template {n}
Parameters:
  Environment:
    Type: String
    Default: prod
    AllowedValues: [prod, staging]
  DBPassword:
    Type: String
    NoEcho: true
  AdminCidrs:
    Type: CommaDelimitedList
    Default: 10.0.0.0/8,192.168.0.0/16
Mappings:
  Stage:
    prod: {{Retention: 90, MultiAZ: true}}
    staging: {{Retention: 7, MultiAZ: false}}
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  HasPassword: !Not [!Equals [!Ref DBPassword, ""]]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      Tags: [{{Key: Name, Value: !Sub "${{AWS::StackName}}-vpc"}}]
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {{AWS: !Sub "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:root"}}
            Action: kms:*
            Resource: "*"
"""


def subnet(i: int) -> str:
    return f"""\
  Subnet{i}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [{i % 16}, !Cidr [10.0.0.0/16, 16, 8]]
      AvailabilityZone: !Select [{i % 3}, !GetAZs ""]
      MapPublicIpOnLaunch: {str(i % 2 == 0).lower()}
"""


def security_group(i: int) -> str:
    return f"""\
  SecurityGroup{i}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: tier {i}
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: {443 if i % 2 else 22}
          ToPort: {443 if i % 2 else 22}
          CidrIp: !Select [0, !Ref AdminCidrs]
          Description: rule {i}
  Ingress{i}:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt SecurityGroup{i}.GroupId
      SourceSecurityGroupId: !Ref SecurityGroup{max(i - 1, 0)}
      IpProtocol: tcp
      FromPort: 5432
      ToPort: 5432
"""


def bucket(i: int) -> str:
    return f"""\
  Bucket{i}:
    Type: AWS::S3::Bucket
    DeletionPolicy: !If [IsProd, Retain, Delete]
    Properties:
      BucketName: !Sub "${{AWS::StackName}}-${{Environment}}-data-{i}"
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !GetAtt Key.Arn
      VersioningConfiguration:
        Status: !If [IsProd, Enabled, Suspended]
      LifecycleConfiguration:
        Rules:
          - Id: expire
            Status: Enabled
            ExpirationInDays: !FindInMap [Stage, !Ref Environment, Retention]
  BucketPolicy{i}:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket{i}
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: s3:*
            Resource: [!GetAtt Bucket{i}.Arn, !Sub "${{Bucket{i}.Arn}}/*"]
            Condition: {{Bool: {{aws:SecureTransport: false}}}}
"""


def role_and_function(i: int) -> str:
    return f"""\
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: access
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [s3:GetObject, s3:PutObject, kms:Decrypt]
                Resource: [!Sub "arn:${{AWS::Partition}}:s3:::*-data-{i}/*", !GetAtt Key.Arn]
  Function{i}:
    Type: AWS::Lambda::Function
    DependsOn: Role{i}
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt Role{i}.Arn
      Code: {{ZipFile: "def handler(e, c): return {i}"}}
      Environment:
        Variables:
          STAGE: !Ref Environment
          SECRET: "{{{{resolve:secretsmanager:app-{i}:SecretString:key}}}}"
      VpcConfig:
        SubnetIds: [!Ref Subnet{i % 8}, !Ref Subnet{(i + 1) % 8}]
        SecurityGroupIds: [!Ref SecurityGroup{i % 10}]
  Queue{i}:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      KmsMasterKeyId: !Ref Key
      MessageRetentionPeriod: 1209600
"""


def database(i: int) -> str:
    return f"""\
  Database{i}:
    Type: AWS::RDS::DBInstance
    DeletionPolicy: Snapshot
    Properties:
      Engine: postgres
      DBInstanceClass: db.m6g.large
      AllocatedStorage: 100
      StorageEncrypted: true
      KmsKeyId: !Ref Key
      MasterUsername: app
      MasterUserPassword: !If [HasPassword, !Ref DBPassword, !Ref AWS::NoValue]
      MultiAZ: !FindInMap [Stage, !Ref Environment, MultiAZ]
      VPCSecurityGroups: [!GetAtt SecurityGroup{i % 10}.GroupId]
"""


def template(n: int, target_resources: int, rng: random.Random) -> tuple[str, int]:
    parts = [HEADER.format(n=n)]
    count = 2
    for i in range(8):
        parts.append(subnet(i))
    count += 8
    for i in range(10):
        parts.append(security_group(i))
    count += 20
    makers = [(bucket, 2), (role_and_function, 3), (database, 1)]
    i = 0
    while count < target_resources:
        maker, size = rng.choice(makers)
        parts.append(maker(i))
        count += size
        i += 1
    return "".join(parts), count


def generate() -> tuple[Path, list[Path], int, int]:
    if OUT.exists():
        shutil.rmtree(OUT)
    rng = random.Random(20260601)
    (OUT / "large").mkdir(parents=True)
    (OUT / "many").mkdir(parents=True)
    text, large_resources = template(0, 300, rng)
    large = OUT / "large" / "app.yaml"
    large.write_text(text, encoding="utf-8")
    many: list[Path] = []
    many_resources = 0
    for n in range(200):
        text, count = template(n + 1, rng.randint(32, 40), rng)
        path = OUT / "many" / f"stack-{n:03d}.yaml"
        path.write_text(text, encoding="utf-8")
        many.append(path)
        many_resources += count
    return large, many, large_resources, many_resources


def run(paths: list[Path], jobs: int) -> tuple[float, int]:
    options = LoadOptions(root=OUT, base=OUT, jobs=jobs)
    started = time.perf_counter()
    result = load_cloudformation(paths, options)
    elapsed = time.perf_counter() - started
    if result.diagnostics:
        raise SystemExit(f"unexpected diagnostics: {result.diagnostics[:3]}")
    return elapsed, sum(1 for n in result.nodes if n.category == "resource")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (best is shown)")
    parser.add_argument("--keep", action="store_true", help="keep bench/out/cfn afterwards")
    args = parser.parse_args()

    large, many, _, _ = generate()
    size_large = large.stat().st_size
    size_many = sum(p.stat().st_size for p in many)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(
        f"large: 1 template, {size_large / 1024:.0f} KiB; many: {len(many)} templates, "
        f"{size_many / 1024 / 1024:.1f} MiB"
    )

    started = time.perf_counter()
    import cfnlint.decode  # type: ignore[import-untyped]  # noqa: F401

    print(f"import cfnlint.decode: {time.perf_counter() - started:.2f} s (once per process)")

    def best(paths: list[Path], jobs: int) -> tuple[float, int]:
        runs = [run(paths, jobs) for _ in range(args.repeat)]
        return min(runs)

    for label, paths, jobs in (
        ("large, jobs=1", [large], 1),
        ("many,  jobs=1", many, 1),
        (f"many,  jobs={args.jobs}", many, args.jobs),
    ):
        elapsed, resources = best(paths, jobs)
        print(
            f"{label:16} {elapsed:7.3f} s  {len(paths) / elapsed:8.1f} templates/s  "
            f"{resources / elapsed:9.0f} resources/s  ({resources} resources)"
        )

    tracemalloc.start()
    run([large], 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak traced memory, large template: {peak / 1024 / 1024:.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"max RSS of this process: {rss / 1024:.0f} MiB")
    if not args.keep:
        shutil.rmtree(OUT, ignore_errors=True)


if __name__ == "__main__":
    main()
