"""Real open-source servers, driven through clients that sdkforge generates from their own specs.

`make contract-servers` (part of `make contract`, not of `make test`) installs each server, pinned,
into a cache outside the repository when it is missing, then runs `python -m
tests.contract.servers`. For each server it:

1. starts it on a free port of 127.0.0.1, with a throwaway data folder, and waits until it answers;
2. fetches the OpenAPI document the running server serves (the one its users would generate from);
3. generates a client with the `sdkforge` command into a temporary folder and imports it;
4. runs a workflow with the generated client, sync and then async: create real objects, read one
   back, list them to the last page (several pages), update one, delete one, and the typed errors
   for 404, 409 and 422 (the generated `errors` classes, and the body's model where the spec
   declares one);
5. stops the server, whatever happened.

It prints each step's outcome and a line per server and client kind; it exits non-zero when a step
failed. A failed step names what went wrong: a server that does not start, an install that is
missing, or a generated client that did not do what the spec says (an sdkforge fault).

The servers, and why these:

- **Prefect** (`prefect server start`, PyPI), a FastAPI application with SQLite: 150 paths of
  real resources, a spec in OpenAPI 3.1 with a relative server URL (`/api`), page-number
  pagination in POST bodies (`page`, `limit`, answered with `count` and `pages`), distinct 404
  (missing object), 409 (a variable name taken) and 422 (FastAPI's validation, declared in the
  spec as `HTTPValidationError`).
- **Chroma** (`chroma run`, PyPI: a Rust server, axum with a utoipa-made spec, in the wheel), on
  SQLite: databases, collections and records; OpenAPI 3.1 with error bodies declared
  (`ErrorResponse`, so a 404's body must come back typed), 409 (a database name taken), 422 (a
  body it cannot deserialize) and 400 (a name it refuses); limit/offset paging with no total, in
  the query (answered with an array) and in a POST body (answered with columns of records).
- **LoopBack 4's todo application** (`@loopback/example-todo`, npm), a Node.js server on
  another framework again, in memory: OpenAPI 3.0, JSON-encoded query parameters (`filter={"limit":
  ..., "skip": ..., "where": ...}` and `where={...}`: how LoopBack pages, filters and picks what a
  PATCH changes), 204 answers, 404 and 422 (its own request validation). It has no conflict
  answer: its create schema leaves out the id.
"""
