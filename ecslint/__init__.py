"""ecslint: a linter for Amazon ECS configurations."""

__version__ = "0.1.0"
