"""How deep YAML text nests, read before libyaml composes it.

libyaml's composer (under PyYAML's ``compose``/``load`` and cfn-lint's loader)
recurses in C once per nesting level, without a limit: 50,000 levels of ``[`` or
``- `` (100 KB) crash the process before Python's recursion limit is met (newer
libyaml refuses flow collections 1,000 deep in its scanner, but not block
sequences).  Whatever composes scanned YAML with libyaml (CloudFormation
templates, cfn-lint's decoder, YAML policy documents) asks :func:`too_deep`
first; libyaml's parser, whose events it counts, does not recurse.
"""

from __future__ import annotations

#: nesting above which YAML read from the scanned tree is refused (real templates and
#: policy documents stay far below)
MAX_DEPTH = 200


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether ``text`` nests collections more than ``limit`` deep (up to its first
    syntax error, which is the composer's to report)."""
    if len(text) <= limit:  # each level takes at least one character
        return False
    import yaml
    from yaml.events import CollectionEndEvent, CollectionStartEvent

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > limit:
                    return True
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return False
