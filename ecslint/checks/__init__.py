"""Python checks of the built-in rules, one module per concern; each rule file names its function.

A check is ``check(obj, ctx) -> Iterable[Violation]``: ``obj`` is the model object the rule
applies to, ``ctx`` a :class:`ecslint.engine.Context`.
"""
