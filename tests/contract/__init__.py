"""`make contract-mock` (part of `make contract`): generated clients against a validating
mock server (Prism).

    python -m tests.contract [--only PATTERN] [--extra] [--fresh] [--jobs 2]

Not part of `make test` (about 15 minutes). For each spec of `specs.CHOSEN` (24 of the APIs-guru
directory, chosen with `scan` for breadth, and `styles.yaml` for what the directory lacks):
generate the client, start Prism in mock mode (`--errors --dynamic --seed`), call every method
with required arguments only and with every argument, sync and async, and judge each call that
failed: rejected by the mock, response not parsed, exception; the client's fault, the mock's,
the harness's, or unclassified. `SUMMARY.md` beside this file is the last full run's summary.

Modules: `specs` (the choice, and why), `scan` (the directory scan it came from), `synth`
(argument values from the spec's schemas), `validator` (the harness's own schema check),
`wire` (OpenAPI's style/explode table, independent of the generated runtime), `prism` (the mock
process), `caller` (one spec's calls, in a fresh interpreter), `classify` (whose fault;
`bodies` for body complaints, `findings` the records they share), `summary` (counts and
SUMMARY.md), `run` (the command; cache and run folders as in
`tests/corpus`, whose `store` and `directory` it uses).
"""
