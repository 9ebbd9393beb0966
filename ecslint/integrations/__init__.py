"""Integrations with other tools, each imported only when asked for."""
