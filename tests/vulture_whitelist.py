"""Names vulture cannot see used (tests/test_dead_code.py); parsed, never run.

Each line is a use vulture would otherwise miss, with the reason.  A name
that is only here is still dead: remove both.
"""

# ruff: noqa: B018, F821

# NodeMeta keys: a TypedDict the front ends write and rules read with meta.get("...")
_.module_calls
_.module_path
_.count_unknown
_.exists_if
_.dynamic_unknown
_.properties_unknown
_.deletion_policy
_.update_replace_policy
_.condition_value
_.preprocessor

# a parsed YAML node flag cfn-lint's rules read (cloudformation/decode.py)
_.using_merge
# data fields kept so the parsed models say what the source says
_.not_principals  # views.policy.Statement: NotPrincipal
_.noncurrent_days  # views.s3.LifecycleRule: NoncurrentVersionExpiration
# the exit codes named together (cli.py)
EXIT_FINDINGS
# signal handler signature (frontend.py)
signum
frame
# pickle's protocol method, set on the syntax tree's classes (terraform/syntax.py)
_.__reduce__
_.__kwdefaults__  # record._init: the keyword-only defaults of the __init__ it builds
_.write_inits  # soc2lint.record: run by hand to regenerate record_inits.py (its docstring says how)
