# Two commands a researcher needs (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# The torch CPU wheel lies in /opt/wheels on the project's machines; elsewhere pip uses PyPI.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
DEMO_OUT ?= demo_output

.PHONY: install demo test test-fast lint-lexicons browser bench clean

$(BIN)/rhetoric: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(FIND_LINKS) -c constraints.txt -e ".[dev,notebooks,embeddings]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

install: $(BIN)/rhetoric

## Main job: analyse the embedded demo corpus and print where the outputs are.
demo: install
	$(BIN)/rhetoric analyze data/demo/corpus.jsonl --out $(DEMO_OUT)

## Whole test suite: unit + property tests, lexicon validation, notebooks (nbmake).
test: install browser
	$(BIN)/rhetoric lexicon validate lexicons/
	$(BIN)/python -m pytest -n 2 --dist loadfile tests notebooks --nbmake -p no:cacheprovider

test-fast: install
	$(BIN)/python -m pytest -n 2 -x tests -m "not slow and not browser"

## Headless Chromium for the report security test (Debian packages); best effort outside root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will skip"; \
	  else echo "warning: chromium not found and not root; browser tests will skip"; fi; }

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache
