"""Parameters: defaults, --cfn-parameters, list types, SSM types, NoEcho, origins."""

from __future__ import annotations

from pathlib import Path

from cfn_testlib import attrs, edges, load_text, node

from soc2lint.model import Origin, Range, Unknown

TEMPLATE = """\
Parameters:
  DBPassword:
    Type: String
    NoEcho: true
    Default: hunter2
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
    Default: subnet-1, subnet-2
  Names:
    Type: CommaDelimitedList
  Port:
    Type: Number
    Default: 5432
  Version:
    Type: String
    Default: 2012-10-17
  Flag:
    Type: String
    Default: true
  Ami:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami
  Secret:
    Type: String
    Default: "{{resolve:secretsmanager:db:SecretString:password}}"
Resources:
  DB:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUserPassword: !Ref DBPassword
      Port: !Ref Port
      SubnetIds: !Ref Subnets
      Names: !Ref Names
      Version: !Ref Version
      Flag: !Ref Flag
      ImageId: !Ref Ami
      Other: !Ref Secret
"""


def test_defaults_typed_as_ref_returns_them(tmp_path: Path) -> None:
    result = load_text(tmp_path, TEMPLATE)
    a = attrs(result, "DB")
    assert a["MasterUserPassword"] == "hunter2"
    assert a["Port"] == 5432
    assert a["SubnetIds"] == ["subnet-1", "subnet-2"]
    assert a["Names"] == Unknown("!Ref Names", ("Names",))
    assert a["Version"] == "2012-10-17"  # a YAML 1.1 date, as written
    assert a["Flag"] == "true"  # a String parameter is a string
    assert a["ImageId"] == Unknown("!Ref Ami (SSM parameter /aws/service/ami)", ("Ami",))
    assert a["Other"] == Unknown("{{resolve:secretsmanager:db:SecretString:password}}", secret=True)


def test_parameter_nodes(tmp_path: Path) -> None:
    result = load_text(tmp_path, TEMPLATE)
    pw = node(result, "DBPassword")
    assert pw.category == "parameter" and pw.kind == "parameter" and pw.type == "String"
    assert pw.attrs == {"Type": "String", "NoEcho": True, "Default": "hunter2", "value": "hunter2"}
    assert (pw.range.start_line, pw.range.start_col, pw.range.end_line) == (2, 3, 5)
    default = Range("template.yaml", 5, 5, 5, 21)
    assert pw.locations[("Default",)] == default
    assert pw.origins[("value",)] == Origin("parameter DBPassword", default, "DBPassword")
    names = node(result, "Names")
    assert names.attrs["value"] == Unknown("!Ref Names", ("Names",))
    assert ("value",) not in names.origins


def test_origin_of_a_referenced_parameter_names_its_default(tmp_path: Path) -> None:
    result = load_text(tmp_path, TEMPLATE)
    db = node(result, "DB")
    assert db.origins[("MasterUserPassword",)] == Origin(
        "parameter DBPassword", Range("template.yaml", 5, 5, 5, 21), "DBPassword"
    )
    assert db.origins[("SubnetIds",)].address == "Subnets"
    assert ("ImageId",) not in db.origins  # an SSM parameter's value is not the default
    assert ("DB", "DBPassword", "MasterUserPassword", None) in edges(result, "ref")


def test_cfn_parameters_override_defaults(tmp_path: Path) -> None:
    params = {
        "DBPassword": "from-cli",
        "Names": "x, y",
        "Subnets": ["subnet-9"],
        "Port": "3306",
        "Ami": "/other/ami",
        "Unused": "ignored",
    }
    result = load_text(tmp_path, TEMPLATE, params=params)
    a = attrs(result, "DB")
    assert a["MasterUserPassword"] == "from-cli"
    assert a["Names"] == ["x", "y"]
    assert a["SubnetIds"] == ["subnet-9"]
    assert a["Port"] == "3306"
    assert a["ImageId"] == Unknown("!Ref Ami (SSM parameter /other/ami)", ("Ami",))
    origin = node(result, "DB").origins[("MasterUserPassword",)]
    assert origin == Origin("--cfn-parameters", None, "DBPassword")
    assert node(result, "DBPassword").attrs["value"] == "from-cli"
    assert "Unused" not in {n.address for n in result.nodes}


def test_select_and_sub_of_a_parameter_keep_the_origin(tmp_path: Path) -> None:
    text = (
        "Parameters:\n  Cidrs:\n    Type: CommaDelimitedList\n    Default: 10.0.0.0/8,0.0.0.0/0\n"
        "  Pw:\n    Type: String\n    Default: literal\n"
        "Resources:\n  R:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n"
        "      CidrIp: !Select [1, !Ref Cidrs]\n"
        '      Password: !Sub "${Pw}"\n'
        '      Joined: !Sub "${Pw}-x"\n'
    )
    result = load_text(tmp_path, text)
    r = node(result, "R")
    assert r.attrs["CidrIp"] == "0.0.0.0/0"
    assert r.origins[("CidrIp",)].address == "Cidrs"
    assert r.origins[("Password",)].address == "Pw"
    assert ("Joined",) not in r.origins


def test_empty_list_parameter_and_string_parameter_from_number(tmp_path: Path) -> None:
    text = (
        "Parameters:\n  L:\n    Type: CommaDelimitedList\n    Default: ''\n"
        "  S:\n    Type: String\n    Default: 42\n"
        "Resources:\n  R:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      L: !Ref L\n      S: !Ref S\n"
    )
    result = load_text(tmp_path, text)
    assert attrs(result, "R") == {"L": [], "S": "42"}
