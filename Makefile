# sdkforge: `make generate` regenerates generated/ from specs/, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPECS := $(wildcard specs/*.yaml)

.PHONY: generate test check typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
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

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache
