# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-hail clean example fuzz mutate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@# biocommons hgvs checks our HGVS names in the tests; without its UTA/SeqRepo clients
	@# (psycopg2, ipython), which need a database the tests do not use.
	$(BIN)/python -m pip install -q --no-deps 'hgvs==1.5.7'
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p out
	$(BIN)/il1rn-annot annotate examples/dira_example.vcf.gz -o out/dira_example.json
	$(BIN)/il1rn-annot annotate examples/dira_example.vcf.gz --format tsv -o out/dira_example.tsv
	@echo "Wrote out/dira_example.json and out/dira_example.tsv. Every example, per sample:"
	@$(BIN)/il1rn-annot annotate examples --format summary

test: $(STAMP)
	@bash .ci/system-tools
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check il1rn_annot tests examples benchmarks
	$(BIN)/ruff format --check il1rn_annot tests examples benchmarks

example: $(STAMP)
	$(BIN)/python examples/make_example.py examples
	$(BIN)/python examples/make_exome_example.py examples/exome

# The fuzz suite at length (tests/test_fuzz.py; `make test` runs its bounded "ci" profile).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=long nice -n 19 $(BIN)/python -m pytest -q -p no:cacheprovider \
		-o addopts= -W error tests/test_fuzz.py --hypothesis-show-statistics

# Mutation testing of the rule modules ([tool.mutmut] in pyproject.toml, docs/mutation-testing.md);
# mutmut is installed here only. MUTANTS narrows the run, e.g. MUTANTS='il1rn_annot.match*'; a
# run stopped part way resumes where it stopped (mutants/ keeps the results). Fixtures' files
# (a synthetic FASTA, BAMs) are written once for all mutants, under mutants/.test-files.
MUTANTS ?=
MUTATE_JOBS ?= 2
mutate: $(STAMP)
	$(BIN)/python -m pip install -q 'mutmut>=3.8,<4'
	IL1RN_TEST_FILE_CACHE=$(CURDIR)/mutants/.test-files \
		nice -n 19 $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $(MUTANTS)
	$(BIN)/mutmut results

# Every target of issue #11 in one table (benchmarks/results.md). BENCH_QUICK=1: fewer runs, the
# 2,500-sample cohort only, printed only.
BENCH_QUICK ?=
bench: $(STAMP)
	@bash .ci/system-tools bench
	BENCH_QUICK=$(BENCH_QUICK) $(BIN)/python benchmarks/bench.py

# Hail in Spark local mode against the CLI on one generated cohort (benchmarks/bench_hail.py);
# HAIL_BENCH='SAMPLES RECORDS MASTER' changes it (default 20000 150 local[2]).
HAIL_BENCH ?=
bench-hail: $(STAMP)
	$(BIN)/python benchmarks/bench_hail.py $(HAIL_BENCH)

clean:
	rm -rf $(VENV) out build dist *.egg-info mutants
