"""Prefect's server (FastAPI, SQLite): flows and variables through the generated client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .workflow import Driver, Record, Skip, check

FLOWS = 12  # with PAGE_SIZE 5: pages of 5, 5 and 2
PAGE_SIZE = 5


def command(install: Path, port: int) -> list[str]:
    return [str(install / "venv" / "bin" / "prefect"), "server", "start", "--host", "127.0.0.1",
            "--port", str(port), "--no-services", "--no-ui", "--analytics-off"]


def env(data: Path, port: int) -> dict[str, str]:
    return {
        "PREFECT_HOME": str(data),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{data / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }


def workflow(d: Driver, r: Record) -> None:
    prefix = f"contract-{d.kind}-"
    flows = _create(d, r, prefix)
    _read(d, r, flows)
    _list(d, r, prefix)
    _update(d, r, flows)
    _delete(d, r, flows)
    _variables(d, r, prefix + "var")
    _invalid(d, r)


def _create(d: Driver, r: Record, prefix: str) -> list[Any]:
    created: list[Any] = []
    with r.step(f"create {FLOWS} flows"):
        for i in range(FLOWS):
            created.append(d.run(d.client.flows.create(name=f"{prefix}{i:02d}", tags=["contract"])))
        check(all(isinstance(f, d.models.Flow) for f in created), "a create returned no Flow")
        check([f.name for f in created] == [f"{prefix}{i:02d}" for i in range(FLOWS)],
              f"names came back as {[f.name for f in created]}")
        check(len({f.id for f in created}) == FLOWS, "two flows got one id")
    return created


def _read(d: Driver, r: Record, flows: list[Any]) -> None:
    with r.step("read a flow back by id"):
        if not flows:
            raise Skip("no flow was created")
        got = d.run(d.client.flows.read_flow(flows[0].id))
        check(isinstance(got, d.models.Flow), f"read_flow returned {type(got).__name__}")
        check((got.id, got.name, got.tags) == (flows[0].id, flows[0].name, ["contract"]),
              f"read back {got!r:.300}, created {flows[0]!r:.300}")


def _first_page(d: Driver, prefix: str) -> Any:
    mine = d.models.FlowFilter(name=d.models.FlowFilterName(like_=prefix))
    return d.run(d.client.flows.paginate_flows(flows=mine, limit=PAGE_SIZE, sort="NAME_ASC"))


def _list(d: Driver, r: Record, prefix: str) -> None:
    expected = [f"{prefix}{i:02d}" for i in range(FLOWS)]
    with r.step(f"list flows with iter_all(), {PAGE_SIZE} a page, to the end"):
        first = _first_page(d, prefix)
        check((first.count, first.pages) == (FLOWS, -(-FLOWS // PAGE_SIZE)),
              f"the server reports count={first.count}, pages={first.pages}")
        check(hasattr(first, "iter_all"), "sdkforge did not detect POST /flows/paginate as pages")
        names = [flow.name for flow in d.collect(first.iter_all())]
        check(names == expected, f"iter_all() gave {names}")
    with r.step("list flows with next_page(): no request past the last page"):
        first = _first_page(d, prefix)
        if not hasattr(first, "has_next_page"):
            raise Skip("no pagination API on the page")
        pages, sent = [first], len(d.requests)
        while pages[-1].has_next_page() and len(pages) <= first.pages:
            pages.append(d.next_page(pages[-1]))
        asked = len(d.requests) - sent + 1
        check(asked == first.pages,
              f"asked for {asked} pages (sizes {[len(page.results) for page in pages]}) where the"
              f" server said pages={first.pages}, count={first.count}: has_next_page() was True"
              f" on the last page")


def _update(d: Driver, r: Record, flows: list[Any]) -> None:
    with r.step("update a flow's tags (PATCH, 204), read it back"):
        if len(flows) < 2:
            raise Skip("no flow to update")
        check(d.run(d.client.flows.update(flows[1].id, tags=["contract", "updated"])) is None,
              "update returned a value for a 204")
        got = d.run(d.client.flows.read_flow(flows[1].id))
        check(sorted(got.tags) == ["contract", "updated"], f"tags read back: {got.tags}")


def _delete(d: Driver, r: Record, flows: list[Any]) -> None:
    with r.step("delete a flow (204); reading it raises NotFoundError (404)"):
        if len(flows) < 3:
            raise Skip("no flow to delete")
        victim = flows[2].id
        check(d.run(d.client.flows.delete(victim)) is None, "delete returned a value for a 204")
        error = d.expect_error(lambda: d.client.flows.read_flow(victim), "NotFoundError", 404)
        # No 404 schema in the spec: the body is the JSON as sent.
        check(error.body == {"detail": "Flow not found"}, f"404 body: {error.body!r}")


def _variables(d: Driver, r: Record, name: str) -> None:
    made: list[Any] = []
    with r.step("create a variable; again with its name raises ConflictError (409)"):
        made.append(d.run(d.client.variables.create(name=name, value={"n": 1}, tags=["c"])))
        check(isinstance(made[0], d.models.Variable) and made[0].value == {"n": 1},
              f"create returned {made[0]!r:.300}")
        error = d.expect_error(lambda: d.client.variables.create(name=name, value=2),
                               "ConflictError", 409)
        check("already exists" in str(error.body), f"409 body: {error.body!r}")
    with r.step("update a variable by name, read it, delete it, then 404"):
        if not made:
            raise Skip("no variable was created")
        d.run(d.client.variables.update_by_name(name, value=[1, "two"]))
        got = d.run(d.client.variables.read_by_name(name))
        check((got.id, got.value) == (made[0].id, [1, "two"]), f"read back {got!r:.300}")
        d.run(d.client.variables.delete(made[0].id))
        d.expect_error(lambda: d.client.variables.read_by_name(name), "NotFoundError", 404)


def _invalid(d: Driver, r: Record) -> None:
    with r.step("create a variable with an invalid name: UnprocessableEntityError (422)"):
        error = d.expect_error(
            lambda: d.client.variables.create(name="Not A Valid Name!", value=1),
            "UnprocessableEntityError", 422)
        # The spec declares 422 as FastAPI's HTTPValidationError (every field optional); Prefect
        # answers with its own shape (`exception_detail`), which the response keeps.
        check(isinstance(error.body, d.models.HTTPValidationError),
              f"422 body is {type(error.body).__name__}, not the declared HTTPValidationError")
        check("Variable name must only contain" in error.response.text,
              f"the server's reason is gone from the error: {error.response.text[:300]}")
