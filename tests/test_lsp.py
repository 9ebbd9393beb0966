"""The language server: a real client session over stdio, and the conversions and edits it relies on."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import findings_of, lint_text, registry
from lsp_client import Client
from lsprotocol import types
from pygls.workspace import TextDocument

import ecslint.lsp.server as lsp_server
from ecslint.findings import Edit, Finding, Fix
from ecslint.lsp.convert import diagnostic, explanation
from ecslint.lsp.edits import ignore_edit
from ecslint.lsp.folders import Folder
from ecslint.lsp.server import EcslintServer, Linted, code_actions

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TASK = """family: web
requiresCompatibilities: [FARGATE]
networkMode: awsvpc
cpu: "256"
memory: "4096"
containerDefinitions:
  - name: web
    image: nginx:1.27
    essential: true
"""


def codes(diagnostics: list[dict]) -> set[str]:
    return {d["code"] for d in diagnostics}


def at(line: int, character: int) -> dict:
    return {"line": line, "character": character}


@pytest.fixture
def client():
    session = Client("--debounce", "0")
    yield session
    session.close()


def test_session(tmp_path: Path, client: Client) -> None:
    """initialize, didOpen, publishDiagnostics, hover, codeAction, didChange, malformed requests, didClose, shutdown."""
    task = tmp_path / "task.yaml"
    task.write_text(TASK)
    capabilities = client.initialize(tmp_path)["capabilities"]
    assert capabilities["hoverProvider"] and capabilities["codeActionProvider"]

    uri = client.open(task)
    memory = next(d for d in client.diagnostics(uri) if d["code"] == "ECS202")
    assert memory["range"] == {"start": at(4, 8), "end": at(4, 14)}
    assert memory["severity"] == 1 and memory["source"] == "ecslint"
    assert memory["codeDescription"]["href"].endswith("#ecs202-fargate-cpu-memory")

    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": at(4, 10)})["result"]
    assert "needs task-level cpu and memory, as a valid Fargate pair" in hover["contents"]["value"]
    nothing = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": at(0, 0)})
    assert nothing["result"] is None

    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": at(4, 10), "end": at(4, 10)},
        "context": {"diagnostics": [memory]}})["result"]
    ignore = next(a for a in actions if a["title"] == "Ignore ECS202 here")
    assert ignore["kind"] == "quickfix"
    assert ignore["edit"]["changes"][uri] == [{"range": {"start": at(4, 0), "end": at(4, 0)},
                                               "newText": "# ecslint: ignore[ECS202]\n"}]

    client.change(uri, 2, TASK.replace('"4096"', '"512"'))  # the unsaved buffer, not the file
    assert "ECS202" not in codes(client.diagnostics(uri))
    client.change(uri, 3, TASK.replace('memory: "4096"', '# ecslint: ignore[ECS202]\nmemory: "4096"'))
    assert "ECS202" not in codes(client.diagnostics(uri))

    malformed = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "bogus": 1})
    assert malformed["error"]["code"] == -32602
    assert client.request("ecslint/unknown", {})["error"]["code"] == -32601
    still = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": at(3, 6)})
    assert "result" in still

    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []
    assert client.close() == 0


def test_links_the_buffer_to_the_other_files_of_the_folder(tmp_path: Path, client: Client) -> None:
    """A service being edited is checked against its task definition, which is only on disk."""
    shutil.copy(EXAMPLES / "fargate-web.json", tmp_path)
    service = tmp_path / "storefront-service.json"
    shutil.copy(EXAMPLES / "storefront-service.json", service)
    client.initialize(tmp_path)
    uri = client.open(service, language="json")
    assert {"ECS406", "ECS408"} <= codes(client.diagnostics(uri))
    client.change(uri, 2, service.read_text().replace('"containerPort": 80', '"containerPort": 8080'))
    found = codes(client.diagnostics(uri))
    assert "ECS406" in found and "ECS408" not in found
    task = tmp_path / "fargate-web.json"  # the task definition changes on disk: it is read again
    task.write_text(task.read_text().replace('"containerPort": 8080', '"containerPort": 9090'))
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": task.as_uri(), "type": 2}]})
    assert "ECS408" in codes(client.diagnostics(uri))


def test_a_folder_reads_its_files_once_and_then_what_changes(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "node_modules").mkdir()
    folder = Folder(str(tmp_path), registry())
    assert list(folder.context()) == [str(tmp_path / "a.json")]
    for name in ("b.yaml", "node_modules/c.json", "notes.txt"):
        (tmp_path / name).write_text("{}")
        folder.changed(str(tmp_path / name))
    (tmp_path / "a.json").unlink()
    folder.changed(str(tmp_path / "a.json"))
    assert list(folder.context()) == [str(tmp_path / "b.yaml")]
    (tmp_path / ".ecslint.yaml").write_text("exclude: [b.yaml]\n")
    folder.changed(str(tmp_path / ".ecslint.yaml"))
    assert str(tmp_path / "b.yaml") not in folder.context()


def test_configuration_is_reloaded_when_it_changes(tmp_path: Path, client: Client) -> None:
    config = tmp_path / ".ecslint.yaml"
    config.write_text("ignore: [ECS202]\n")
    task = tmp_path / "task.yaml"
    task.write_text(TASK)
    client.initialize(tmp_path, {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
    registration = client.wait(lambda m: m.get("method") == "client/registerCapability")
    assert registration["params"]["registrations"][0]["method"] == "workspace/didChangeWatchedFiles"
    uri = client.open(task)
    assert "ECS202" not in codes(client.diagnostics(uri))
    config.write_text("ignore: []\n")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 2}]})
    assert "ECS202" in codes(client.diagnostics(uri))


def test_positions_are_in_the_clients_code_units() -> None:
    """A character outside the Basic Multilingual Plane is two UTF-16 code units."""
    text = '{"family": "\U0001F600", "memory": "4096"}\n'
    col = text.index('"4096"') + 1
    finding = Finding("t.json", 1, col, "ECS202", "m", 1, col + 6, "error", "fargate-cpu-memory")
    got = diagnostic(TextDocument("file:///t.json", text), finding, registry().lookup("ECS202"))
    assert (got.range.start.character, got.range.end.character) == (col, col + 6)  # one more than col - 1


def test_a_findings_fix_is_offered_as_a_workspace_edit() -> None:
    text = 'cpu: "256"\nmemory: "\U0001F600"\n'
    fix = Fix("Set memory to 512", (Edit(2, 9, 2, 12, '"512"'),))
    finding = Finding("t.yaml", 2, 9, "ECS202", "m", 2, 12, "error", "fargate-cpu-memory", fix)
    document = TextDocument("file:///t.yaml", text, version=1)
    actions = code_actions(SimpleNamespace(registry=registry()), document, Linted(1, [finding], None), [finding])
    assert [a.title for a in actions] == ["Set memory to 512"]
    assert actions[0].is_preferred
    [edit] = actions[0].edit.changes["file:///t.yaml"]
    assert (edit.range.start, edit.range.end, edit.new_text) == (types.Position(1, 8), types.Position(1, 12), '"512"')


def applied(text: str, edit: Edit) -> str:
    lines = text.splitlines(keepends=True) + [""]
    start = sum(map(len, lines[: edit.line - 1])) + edit.col - 1
    end = sum(map(len, lines[: edit.end_line - 1])) + edit.end_col - 1
    return text[:start] + edit.text + text[end:]


def ignored_here(name: str, text: str, rule: str) -> str:
    """The text with the ignore edit for the first ``rule`` finding applied, checked to suppress it."""
    result = lint_text(text, name=name)
    [document] = result.documents
    edit = ignore_edit(document, findings_of(result, rule)[0])
    fixed = applied(text, edit)
    again = lint_text(fixed, name=name)
    assert not findings_of(again, rule), fixed
    assert not [f for f in findings_of(again, "ECS003") if rule in f.message], fixed  # a suppression ecslint reads
    return fixed


def test_ignore_here_in_yaml_and_terraform() -> None:
    fixed = ignored_here("task.yaml", TASK, "ECS202")
    assert '\n# ecslint: ignore[ECS202]\nmemory: "4096"' in fixed
    twice = (EXAMPLES / "fargate-postgres.yaml").read_text()
    twice = twice.replace("        hostPort: 15432", "        # ecslint: ignore[ECS999]\n        hostPort: 15432")
    result = lint_text(twice, name="db.yaml")
    edit = ignore_edit(result.documents[0], findings_of(result, "ECS401")[0])
    assert "# ecslint: ignore[ECS999, ECS401]\n        hostPort" in applied(twice, edit)
    terraform = ('resource "aws_ecs_task_definition" "web" {\n  family = "web"\n'
                 '  requires_compatibilities = ["FARGATE"]\n  network_mode = "awsvpc"\n  cpu = "256"\n'
                 '  memory = "4096"\n  container_definitions = "[]"\n}\n')
    assert '  # ecslint: ignore[ECS202]\n  memory = "4096"' in ignored_here("main.tf", terraform, "ECS202")


TEMPLATE = """{
  "Resources": {
    "Task": {
      "Type": "AWS::ECS::TaskDefinition",%s
      "Properties": {
        "RequiresCompatibilities": ["FARGATE"], "NetworkMode": "awsvpc", "Cpu": "256", "Memory": "4096",
        "ContainerDefinitions": [{"Name": "web", "Image": "nginx:1.27", "Essential": true}]
      }
    }
  }
}
"""


@pytest.mark.parametrize("metadata", ["", ' "Metadata": {},', ' "Metadata": {"ecslint": {}},',
                                      ' "Metadata": {"ecslint": {"ignore": []}},',
                                      ' "Metadata": {"ecslint": {"ignore": ["ECS999"]}},'])
def test_ignore_here_in_a_json_template_is_a_metadata_entry(metadata: str) -> None:
    fixed = ignored_here("template.json", TEMPLATE % metadata, "ECS202")
    assert '"ECS202"' in fixed


def test_plain_json_has_no_place_for_an_ignore() -> None:
    result = lint_text('{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", '
                       '"cpu": "256", "memory": "4096", "containerDefinitions": [{"name": "web", "image": "x"}]}')
    assert ignore_edit(result.documents[0], findings_of(result, "ECS202")[0]) is None


def test_hover_explains_the_rule() -> None:
    text = explanation(registry().lookup("ECS202"))
    assert text.startswith("**ECS202** `fargate-cpu-memory` (error)")
    assert "Documentation](https://" in text


def test_a_failure_to_lint_is_logged_not_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = EcslintServer(0)
    folder = Folder(str(tmp_path), server.registry)
    logged: list[types.LogMessageParams] = []
    monkeypatch.setattr(server, "window_log_message", logged.append)
    monkeypatch.setattr(server, "open_documents", lambda _: {"/x.yaml": TextDocument("file:///x.yaml", TASK)})

    def broken(*_):
        raise RuntimeError("boom")

    monkeypatch.setattr(lsp_server, "lint", broken)
    server.lint_folder(folder)
    assert logged and logged[0].type == types.MessageType.Error
