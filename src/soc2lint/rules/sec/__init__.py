"""SEC rules: secrets in code (see ../shared/RULES.md).

A value counts as *written in the code* only where it is written: a literal
that reaches an attribute through a variable default, a tfvars file, a module
input or a CloudFormation parameter default carries an ``Origin`` and is
reported where the origin says (the variable, the module call, the
parameter); a literal that an attribute takes from a local or another
resource through a reference is reported where that node writes it, never at
every place it flows to.  Messages and snippets never show a secret: a secret
is masked whole, its length too (an access key ID, an identifier, keeps its
last four characters, as the AWS console shows it), and ``redact_snippet``
masks the source lines in text and SARIF output too.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .sec001_hardcoded_aws_credentials import hardcoded_aws_credentials
from .sec002_iam_access_key_created import iam_access_key_created
from .sec003_hardcoded_password import hardcoded_password
from .sec004_secret_in_environment import secret_in_environment
from .sec005_cfn_secret_parameter_noecho import cfn_secret_parameter_noecho

RULES: tuple[Rule, ...] = (
    hardcoded_aws_credentials,
    iam_access_key_created,
    hardcoded_password,
    secret_in_environment,
    cfn_secret_parameter_noecho,
)
