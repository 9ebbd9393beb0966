"""The language server (``ecslint server``): ecslint's findings in an editor, over the Language
Server Protocol. Imported only by that command, never by a plain ``ecslint check``."""
