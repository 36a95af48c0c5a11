"""Chroma's server (`chroma run`: Rust, axum with utoipa's spec, SQLite): databases, collections
and records through the generated client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .workflow import Driver, Record, Skip, check

TENANT = "default_tenant"
COLLECTIONS = 12  # with PAGE_SIZE 5: pages of 5, 5 and 2
RECORDS = 12
PAGE_SIZE = 5


def command(install: Path, port: int) -> list[str]:
    return [str(install / "venv" / "bin" / "chroma"), "run", "--path", "chroma",
            "--host", "127.0.0.1", "--port", str(port)]


def env(data: Path, port: int) -> dict[str, str]:
    return {"ANONYMIZED_TELEMETRY": "False"}


def workflow(d: Driver, r: Record) -> None:
    db = f"contract-{d.kind}"
    _database(d, r, db)
    made = _create(d, r, db)
    _read(d, r, db, made)
    _list(d, r, db)
    _records(d, r, db, made)
    _update(d, r, db, made)
    _delete(d, r, db, made)
    _invalid(d, r, db)
    with r.step("delete the database; reading it raises NotFoundError (404), body typed"):
        d.run(d.client.database.delete(TENANT, db))
        error = d.expect_error(lambda: d.client.database.get(TENANT, db), "NotFoundError", 404)
        _typed_error(d, error, "NotFoundError")


def _typed_error(d: Driver, error: Any, kind: str) -> None:
    """The spec declares the body as ErrorResponse (`error`, `message`, both required)."""
    check(isinstance(error.body, d.models.ErrorResponse),
          f"{error.status_code} body is {type(error.body).__name__}, not ErrorResponse")
    check(error.body.error == kind, f"body.error is {error.body.error!r}, not {kind!r}")


def _database(d: Driver, r: Record, db: str) -> None:
    with r.step("create a database; again with its name raises ConflictError (409)"):
        d.run(d.client.database.create(TENANT, name=db))
        got = d.run(d.client.database.get(TENANT, db))
        check(got.name == db, f"read back {got!r:.300}")
        error = d.expect_error(lambda: d.client.database.create(TENANT, name=db),
                               "ConflictError", 409)
        check("already exists" in error.response.text, f"409 body: {error.response.text:.300}")


def _names(db: str) -> list[str]:
    return [f"{db}-{i:02d}" for i in range(COLLECTIONS)]


def _create(d: Driver, r: Record, db: str) -> list[Any]:
    made: list[Any] = []
    with r.step(f"create {COLLECTIONS} collections"):
        for i, name in enumerate(_names(db)):
            made.append(d.run(d.client.collection.create(TENANT, db, name=name,
                                                         metadata={"i": i})))
        check(all(isinstance(c, d.models.Collection) for c in made), "a create gave no Collection")
        check([c.name for c in made] == _names(db), f"names: {[c.name for c in made]}")
        check(len({c.id for c in made}) == COLLECTIONS, "two collections got one id")
    return made


def _read(d: Driver, r: Record, db: str, made: list[Any]) -> None:
    with r.step("read a collection back by name and by id"):
        if not made:
            raise Skip("no collection was created")
        by_name = d.run(d.client.collection.get(TENANT, db, made[0].name))
        by_id = d.run(d.client.collection.get_by_id(TENANT, db, str(made[0].id)))
        for got in (by_name, by_id):
            check((got.id, got.name, got.metadata) == (made[0].id, made[0].name, {"i": 0}),
                  f"read back {got!r:.300}")


def _list(d: Driver, r: Record, db: str) -> None:
    with r.step(f"list collections {PAGE_SIZE} a page (limit/offset) to the end"):
        pages: list[list[Any]] = []
        while len(pages) <= COLLECTIONS:  # bounded: a list that never ends fails the check
            page = d.run(d.client.collection.list(TENANT, db, limit=PAGE_SIZE,
                                                  offset=PAGE_SIZE * len(pages)))
            pages.append(page)
            if len(page) < PAGE_SIZE:
                break
        check([len(p) for p in pages] == [5, 5, 2], f"page sizes {[len(p) for p in pages]}")
        check(sorted(c.name for p in pages for c in p) == _names(db), "the pages' names differ")
        check(d.run(d.client.collection.count(TENANT, db)) == COLLECTIONS, "count differs")


def _records(d: Driver, r: Record, db: str, made: list[Any]) -> None:
    with r.step(f"add {RECORDS} records, get them {PAGE_SIZE} a page, update one, delete one"):
        if not made:
            raise Skip("no collection was created")
        where, ids = (TENANT, db, str(made[0].id)), [f"r{i:02d}" for i in range(RECORDS)]
        d.run(d.client.record.collection_add(
            *where, ids=ids, embeddings=[[float(i), 1.0] for i in range(RECORDS)],
            documents=[f"document {i}" for i in range(RECORDS)]))
        got: list[str] = []
        for offset in range(0, RECORDS + PAGE_SIZE, PAGE_SIZE):
            page = d.run(d.client.record.collection_get(*where, limit=PAGE_SIZE, offset=offset))
            got += page.ids
            if len(page.ids) < PAGE_SIZE:
                break
        check(sorted(got) == ids, f"got the ids {got}")
        d.run(d.client.record.collection_update(*where, ids=["r01"], documents=["changed"]))
        one = d.run(d.client.record.collection_get(*where, ids=["r01"], include=["documents"]))
        check(one.documents == ["changed"], f"r01 read back {one!r:.300}")
        d.run(d.client.record.collection_delete(*where, ids=["r02"]))
        check(d.run(d.client.record.collection_count(*where)) == RECORDS - 1, "count differs")


def _update(d: Driver, r: Record, db: str, made: list[Any]) -> None:
    with r.step("update a collection's name and metadata (PUT), read it back"):
        if len(made) < 2:
            raise Skip("no collection to update")
        renamed = made[1].name + "-renamed"
        d.run(d.client.collection.update(TENANT, db, str(made[1].id), new_name=renamed,
                                         new_metadata={"updated": True}))
        got = d.run(d.client.collection.get(TENANT, db, renamed))
        check((got.id, got.metadata) == (made[1].id, {"updated": True}), f"read {got!r:.300}")


def _delete(d: Driver, r: Record, db: str, made: list[Any]) -> None:
    with r.step("delete a collection; reading it raises NotFoundError (404), body typed"):
        if len(made) < 3:
            raise Skip("no collection to delete")
        d.run(d.client.collection.delete(TENANT, db, made[2].name))
        error = d.expect_error(lambda: d.client.collection.get(TENANT, db, made[2].name),
                               "NotFoundError", 404)
        _typed_error(d, error, "NotFoundError")


def _invalid(d: Driver, r: Record, db: str) -> None:
    with r.step("a body the server cannot read: UnprocessableEntityError (422); a bad name: 400"):
        error = d.expect_error(
            lambda: d.client.collection.create(TENANT, db, name=f"{db}-bad",
                                               extra_body={"metadata": 5}),
            "UnprocessableEntityError", 422)
        check("Failed to deserialize" in error.response.text, f"422: {error.response.text:.300}")
        error = d.expect_error(lambda: d.client.collection.create(TENANT, db, name="x"),
                               "BadRequestError", 400)
        check("Validation error" in error.response.text, f"400: {error.response.text:.300}")
