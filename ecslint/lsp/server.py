"""The language server: diagnostics for the open buffers of each workspace folder, linted together
with the folder's other files as link context; hover with the rule's explanation; code actions
with the rule's fix and the suppression for the format."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from ecslint import __version__
from ecslint.engine import Input, lint
from ecslint.findings import Finding
from ecslint.lsp.convert import diagnostic, explanation, finding_range, workspace_edit
from ecslint.lsp.edits import ignore_edit
from ecslint.lsp.folders import Folder
from ecslint.read import Document
from ecslint.registry import load_registry

log = logging.getLogger(__name__)
WATCHED = "**/{*.json,*.yaml,*.yml,*.template,*.tf,*.json.tpl,.ecslint.yaml,.ecslint.yml,pyproject.toml}"


_ANSWERED = object()  # a request that was answered with an error before it was handled


class Protocol(LanguageServerProtocol):
    """pygls's protocol, but a request whose parameters cannot be read gets the error response
    that JSON-RPC requires (pygls only logs it, and the client waits forever)."""

    def structure_message(self, data: dict):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" not in data or "method" not in data:
                raise
            self._send_response(data["id"], error=types.ResponseError(
                exc.CODE, f"{exc.MESSAGE or 'Invalid request'}: the parameters of {data['method']} cannot be read"))
            return _ANSWERED

    def handle_message(self, message) -> None:
        if message is not _ANSWERED:
            super().handle_message(message)


@dataclass
class Linted:
    """The last lint of an open buffer: at which version, its findings, and the file as read."""

    version: int | None
    findings: list[Finding]
    document: Document | None


class EcslintServer(LanguageServer):
    """ecslint's language server; ``debounce``: seconds to wait after an edit before linting."""

    def __init__(self, debounce: float) -> None:
        super().__init__("ecslint", __version__, protocol_cls=Protocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = debounce
        self.registry = load_registry()
        self.folders: dict[str, Folder] = {}
        self.linted: dict[str, Linted] = {}  # by document URI
        self._timers: dict[str, asyncio.TimerHandle] = {}  # by folder root
        self._told: set[str] = set()  # configuration errors already shown

    def folder_of(self, path: str) -> Folder:
        """The innermost workspace folder holding ``path`` (or the file's directory, not read for context)."""
        roots = [to_fs_path(folder.uri) for folder in self.workspace.folders.values()]
        if not roots and self.workspace.root_path:
            roots = [self.workspace.root_path]
        roots = [os.path.abspath(root) for root in roots if root]
        inside = [root for root in roots if path.startswith(root.rstrip(os.sep) + os.sep)]
        root = max(inside, key=len) if inside else os.path.dirname(path)
        if root not in self.folders:
            self.folders[root] = Folder(root, self.registry, scan=bool(inside))
        return self.folders[root]

    def open_documents(self, folder: Folder) -> dict[str, TextDocument]:
        """The open buffers (files on disk) of ``folder``, by absolute path."""
        found = {}
        for uri, document in list(self.workspace.text_documents.items()):
            path = to_fs_path(uri) if uri.startswith("file:") else None
            if path is not None and self.folder_of(os.path.abspath(path)) is folder:
                found[os.path.abspath(path)] = document
        return found

    def schedule(self, folder: Folder) -> None:
        """Lint ``folder``'s open buffers once no edit has come for ``debounce`` seconds."""
        pending = self._timers.pop(folder.root, None)
        if pending is not None:
            pending.cancel()
        self._timers[folder.root] = asyncio.get_running_loop().call_later(self.debounce, self.lint_folder, folder)

    def lint_folder(self, folder: Folder) -> None:
        """Lint the open buffers of ``folder`` together, with its other files as context, and publish."""
        self._timers.pop(folder.root, None)
        try:
            self._lint_folder(folder)
        except Exception:  # a failure to lint is a logged message, never the end of the server
            log.exception("ecslint failed on %s", folder.root)
            self.window_log_message(types.LogMessageParams(types.MessageType.Error,
                                                           f"ecslint failed on {folder.root}; see the server's log"))

    def _lint_folder(self, folder: Folder) -> None:
        config = folder.config
        if folder.config_error and folder.config_error not in self._told:
            self._told.add(folder.config_error)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error,
                                                             f"ecslint: {folder.config_error}"))
        documents = self.open_documents(folder)
        buffers = {path: Input(path, document.source.encode("utf-8"), file=path)
                   for path, document in documents.items() if not config.excluded(path)}
        inputs = list(buffers.values()) + [item for path, item in folder.context().items() if path not in buffers]
        result = lint(inputs, self.registry, config) if buffers else None
        for message in result.internal_errors if result else ():
            self.window_log_message(types.LogMessageParams(types.MessageType.Error, f"ecslint: {message}"))
        read = {document.path: document for document in result.documents} if result else {}
        found: dict[str, list[Finding]] = {}
        for finding in result.findings if result else ():
            found.setdefault(finding.path, []).append(finding)
        for path, document in documents.items():
            self.publish(document, Linted(document.version, found.get(path, []), read.get(path)))

    def publish(self, document: TextDocument, linted: Linted) -> None:
        self.linted[document.uri] = linted
        diagnostics = [diagnostic(document, f, self.registry.lookup(f.rule)) for f in linted.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=document.uri, diagnostics=diagnostics, version=document.version))

    def lint_soon(self, uri: str, now: bool = False) -> None:
        """Lint the folder of the document at ``uri`` (``now``: without waiting for more edits)."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:
            return
        self.relint(self.folder_of(os.path.abspath(path)), now)

    def relint(self, folder: Folder, now: bool = False) -> None:
        if now or self.debounce <= 0:
            self.lint_folder(folder)
        else:
            self.schedule(folder)

    def file_changed(self, uri: str) -> None:
        """A file changed on disk: read it again as context (a configuration: load it again) and relint."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:
            return
        folder = self.folder_of(os.path.abspath(path))
        folder.changed(os.path.abspath(path))
        if self.open_documents(folder):
            self.relint(folder)


def create_server(debounce: float) -> EcslintServer:
    """The server with its features registered."""
    server = EcslintServer(debounce)

    @server.feature(types.INITIALIZED)
    def initialized(ls: EcslintServer, params: types.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[types.FileSystemWatcher(WATCHED)])
            ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
                "ecslint-watched-files", types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: EcslintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint_soon(params.text_document.uri, now=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: EcslintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.lint_soon(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: EcslintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.file_changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: EcslintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.linted.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: EcslintServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            ls.file_changed(change.uri)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: EcslintServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        linted = ls.linted.get(document.uri)
        if linted is None or linted.version != document.version:
            return None
        position = document.position_from_client_units(params.position)
        hits = [f for f in linted.findings if position in finding_range(f)]
        rules = [rule for rule_id in dict.fromkeys(f.rule for f in hits) if (rule := ls.registry.lookup(rule_id))]
        if not rules:
            return None
        return types.Hover(
            contents=types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(map(explanation, rules))),
            range=document.range_to_client_units(finding_range(hits[0])))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: EcslintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = ls.workspace.get_text_document(params.text_document.uri)
        linted = ls.linted.get(document.uri)
        if linted is None or linted.version != document.version:  # edits computed on an older text
            return []
        wanted = document.range_from_client_units(params.range)
        return code_actions(ls, document, linted, [f for f in linted.findings if wanted.overlaps(finding_range(f))])

    return server


def code_actions(ls: EcslintServer, document: TextDocument, linted: Linted,
                 findings: list[Finding]) -> list[types.CodeAction]:
    """The rule's fix where a finding has one, then "ignore this rule here" once for each rule and line."""
    actions = []
    ignored: set[tuple[str, int]] = set()
    for finding in findings:
        diagnostics = [diagnostic(document, finding, ls.registry.lookup(finding.rule))]
        if finding.fix is not None:
            actions.append(types.CodeAction(finding.fix.title, kind=types.CodeActionKind.QuickFix,
                                            diagnostics=diagnostics, is_preferred=finding.fix.safe,
                                            edit=workspace_edit(document, finding.fix.edits)))
        edit = ignore_edit(linted.document, finding) if linted.document is not None else None
        if edit is not None and (finding.rule, finding.line) not in ignored:
            ignored.add((finding.rule, finding.line))
            actions.append(types.CodeAction(f"Ignore {finding.rule} here", kind=types.CodeActionKind.QuickFix,
                                            diagnostics=diagnostics, edit=workspace_edit(document, [edit])))
    return actions


def serve(debounce: float) -> None:
    """Speak the protocol over standard input and output until the client says exit."""
    create_server(debounce).start_io()
