"""LoopBack 4's todo application (Node.js, in memory): todos through the generated client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .workflow import Driver, Record, Skip, check

TODOS = 12  # with PAGE_SIZE 5: pages of 5, 5 and 2
PAGE_SIZE = 5
APP = Path("node_modules", "@loopback", "example-todo")


def command(install: Path, port: int) -> list[str]:
    return ["node", str(install / APP / "dist" / "index.js")]


def env(data: Path, port: int) -> dict[str, str]:
    # Its memory store is ./data/db.json, relative to the working folder (`data`): made here.
    (data / "data").mkdir(exist_ok=True)
    return {"HOST": "127.0.0.1", "PORT": str(port)}


def workflow(d: Driver, r: Record) -> None:
    mark = f"contract-{d.kind}"  # every todo of this run has it as `desc`, to list only those
    todos = _create(d, r, mark)
    _read(d, r, todos)
    _list(d, r, mark)
    _update(d, r, todos)
    _update_where(d, r, mark)
    _delete(d, r, todos)
    with r.step("conflict: ConflictError (409)"):
        raise Skip("the todo application has no conflict answer: its create schema has no id")
    _invalid(d, r)


def _create(d: Driver, r: Record, mark: str) -> list[Any]:
    created: list[Any] = []
    with r.step(f"create {TODOS} todos"):
        for i in range(TODOS):
            created.append(d.run(d.client.todo_controller.create(
                title=f"{mark} {i:02d}", desc=mark, isComplete=False)))
        check(all(isinstance(t, d.models.Todo) for t in created), "a create returned no Todo")
        check([t.title for t in created] == [f"{mark} {i:02d}" for i in range(TODOS)],
              f"titles came back as {[t.title for t in created]}")
        check(len({t.id for t in created}) == TODOS, "two todos got one id")
    return created


def _read(d: Driver, r: Record, todos: list[Any]) -> None:
    with r.step("read a todo back by id"):
        if not todos:
            raise Skip("no todo was created")
        got = d.run(d.client.todo_controller.find_by_id(todos[0].id))
        check(isinstance(got, d.models.TodoWithRelations),
              f"find_by_id returned {type(got).__name__}")
        check((got.id, got.title, got.isComplete) == (todos[0].id, todos[0].title, False),
              f"read back {got!r:.300}")


def _list(d: Driver, r: Record, mark: str) -> None:
    with r.step(f"list todos {PAGE_SIZE} a page (filter limit/skip) to the end"):
        pages: list[list[Any]] = []
        while len(pages) <= TODOS:  # bounded: a server that never ends a list fails the check
            mine = d.models.TodoFilter1(where={"desc": mark}, order=["id ASC"],
                                        limit=PAGE_SIZE, skip=PAGE_SIZE * len(pages))
            page = d.run(d.client.todo_controller.find(filter=mine))
            check(isinstance(page, list), f"find returned {type(page).__name__}, not a list")
            pages.append(page)
            if len(page) < PAGE_SIZE:
                break
        titles = [todo.title for page in pages for todo in page]
        check([len(p) for p in pages] == [5, 5, 2],
              f"page sizes {[len(p) for p in pages]}, the filter as sent: {d.requests[-1]}")
        check(titles == [f"{mark} {i:02d}" for i in range(TODOS)], f"listed {titles}")
        counted = d.run(d.client.todo_controller.count(where={"desc": mark}))
        check(counted.count == TODOS, f"count says {counted.count}")


def _update(d: Driver, r: Record, todos: list[Any]) -> None:
    with r.step("update a todo (PATCH, 204) and replace another (PUT, 204), read them back"):
        if len(todos) < 4:
            raise Skip("no todo to update")
        patched, replaced = todos[1], todos[3]
        check(d.run(d.client.todo_controller.update_by_id(patched.id, isComplete=True)) is None,
              "update_by_id returned a value for a 204")
        got = d.run(d.client.todo_controller.find_by_id(patched.id))
        check(got.isComplete is True and got.title == patched.title, f"read back {got!r:.300}")
        d.run(d.client.todo_controller.replace_by_id(
            replaced.id, title="replaced", desc=replaced.desc, isComplete=True))
        got = d.run(d.client.todo_controller.find_by_id(replaced.id))
        check((got.title, got.isComplete) == ("replaced", True), f"read back {got!r:.300}")


def _update_where(d: Driver, r: Record, mark: str) -> None:
    with r.step("update the todos a `where` matches (PATCH /todos?where=...): only those"):
        one = {"title": f"{mark} 05"}
        changed = d.run(d.client.todo_controller.update_all(where=one, tag="picked"))
        check(changed.count == 1,
              f"{changed.count} todos changed where 1 matches; the where as sent: {d.requests[-1]}")
        picked = d.run(d.client.todo_controller.count(where={"tag": "picked"}))
        check(picked.count == 1, f"count(where tag=picked) says {picked.count}")


def _delete(d: Driver, r: Record, todos: list[Any]) -> None:
    with r.step("delete a todo (204); reading it raises NotFoundError (404)"):
        if len(todos) < 3:
            raise Skip("no todo to delete")
        victim = todos[2].id
        check(d.run(d.client.todo_controller.delete_by_id(victim)) is None,
              "delete_by_id returned a value for a 204")
        error = d.expect_error(lambda: d.client.todo_controller.find_by_id(victim),
                               "NotFoundError", 404)
        # No error schema in the spec: the body is the JSON as sent.
        check(isinstance(error.body, dict) and error.body["error"]["code"] == "ENTITY_NOT_FOUND",
              f"404 body: {error.body!r:.300}")


def _invalid(d: Driver, r: Record) -> None:
    with r.step("create a todo with a property its schema forbids: UnprocessableEntityError (422)"):
        error = d.expect_error(
            lambda: d.client.todo_controller.create(title="t", extra_body={"priority": 1}),
            "UnprocessableEntityError", 422)
        check(isinstance(error.body, dict) and error.body["error"]["code"] == "VALIDATION_FAILED",
              f"422 body: {error.body!r:.300}")
