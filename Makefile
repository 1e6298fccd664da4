# Reproducible coursework: `make pdf` builds build/hw3.pdf, `make test` tests.
# Stages: venv → data → execute notebooks (papermill) → LaTeX (nbconvert)
# → PDF (latexmk -xelatex). Every stage is a file target: rerunning with
# nothing changed does no work.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:

PROFILE ?= auto      # auto | smoke | quick | full (auto: full on CUDA, else quick)
DEVICE ?= auto       # auto | cpu | cuda | mps
SEED ?= 0
BUILD ?= build
PYTHON ?= python3

# RUNS=/path keeps the run cache (trained models) outside the checkout, so a
# long `full` build resumes across checkouts and sittings (= HW_RUNS_DIR).
ifdef RUNS
export HW_RUNS_DIR := $(abspath $(RUNS))
endif

override PROFILE := $(strip $(PROFILE))
override DEVICE := $(strip $(DEVICE))
ifeq ($(filter auto smoke quick full,$(PROFILE)),)
$(error PROFILE=$(PROFILE) is not a profile: use auto, smoke, quick or full (e.g. make pdf PROFILE=quick))
endif
ifeq ($(filter auto cpu cuda cuda:% mps,$(DEVICE)),)
$(error DEVICE=$(DEVICE) is not a device: use auto, cpu, cuda, cuda:N or mps (e.g. make pdf DEVICE=cpu))
endif
VENV := .venv
PY := $(abspath $(VENV))/bin/python
VENV_STAMP := $(VENV)/.installed
# TensorFlow for `make bench-peer` only, in its own venv (never in .venv)
PEER_VENV := .venv-peer
PEER_STAMP := $(PEER_VENV)/.installed
PEER_REQUIREMENTS := tensorflow-cpu==2.21.0
JUPYTER := $(PY) -m jupyter
PAPERMILL := $(PY) -m papermill
HELPERS := $(wildcard helpers/*.py helpers/*/*.py)
NBCONVERT_FLAGS := --to latex --template-file $(abspath latex/templates/body.tex.j2) \
	--no-prompt --CoalesceStreamsPreprocessor.enabled=True \
	--TagRemovePreprocessor.enabled=True \
	--TagRemovePreprocessor.remove_cell_tags='["remove-cell","parameters","injected-parameters"]' \
	--TagRemovePreprocessor.remove_input_tags='["remove-input"]'

HOMEWORKS := hw3 hw2
hw3_PARTS := q1_policy_gradient q2_minimax q3_dcgan
hw2_PARTS := 1e_echo_sampling 2a_gan 2b_wgan_gp 2c_inversion \
	2d_latent_path 2e_path_regularised_gan
# What hw2-code.zip holds: the code that produced the PDF (no data, no runs).
CODE_PATHS := notebooks helpers latex tools tests benchmarks Makefile README.md \
	requirements.txt pyproject.toml conftest.py
DATASETS := FashionMNIST MNIST

.PHONY: help pdf hw3 hw2 figures test bench bench-bf16 bench-peer setup data tex lab clean clean-runs distclean
.DEFAULT_GOAL := help

help: ## list the targets
	@echo "usage: make TARGET [PROFILE=auto|smoke|quick|full] [DEVICE=auto|cpu|cuda|mps] [RUNS=dir]"
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# A PDF build ends with a warning while latex/student.tex has fields to fill
# in: once, after the last PDF (under `make pdf`, hw2 and hw3 leave it to pdf).
STUDENT_CHECK := @tools/student_check.sh latex/student.tex
UNLESS_PDF = $(if $(filter pdf,$(MAKECMDGOALS)),,$(1))

pdf: $(HOMEWORKS) ## build every homework PDF into build/
	$(STUDENT_CHECK)

hw3: $(BUILD)/hw3.pdf ## build build/hw3.pdf
	$(call UNLESS_PDF,$(STUDENT_CHECK))

hw2: $(BUILD)/hw2.pdf $(BUILD)/hw2-code.zip ## build build/hw2.pdf and build/hw2-code.zip
	$(call UNLESS_PDF,$(STUDENT_CHECK))

# README's pictures from finished runs (PROFILE=auto means full here).
FIGURES_PROFILE := $(if $(filter auto,$(PROFILE)),full,$(PROFILE))
figures: $(VENV_STAMP) ## README pictures (docs/figures) from the run cache's finished runs
	$(PY) -m helpers figures --profile $(FIGURES_PROFILE) --out docs/figures

setup: $(VENV_STAMP) ## create .venv from requirements.txt

data: $(DATASETS:%=data/%/raw/.verified) ## fetch and MD5-verify the datasets

tex: ## install the TeX toolchain if missing (apt, as root)
	@tools/ensure_tex.sh

test: $(VENV_STAMP) data tex ## unit tests, notebook smoke runs, smoke PDF build
	$(PY) -m pytest -q -ra tests notebooks --nbval-lax --nbval-current-env

bench: $(VENV_STAMP) data ## time our training loops vs the common loop (run alone)
	$(PY) benchmarks/bench.py --device $(DEVICE)

bench-bf16: $(VENV_STAMP) data ## sample quality of fp32 vs bf16-autocast training, 3 seeds (long)
	$(PY) benchmarks/bf16_quality.py --profile $(if $(filter auto,$(PROFILE)),quick,$(PROFILE)) --device $(DEVICE)

bench-peer: $(VENV_STAMP) data $(PEER_STAMP) ## our DCGAN step vs the TensorFlow tutorial's (installs TF into .venv-peer)
	$(PY) benchmarks/bench_peer.py --peer-python $(PEER_VENV)/bin/python

# Jupyter refuses to start as root (containers, Colab) without --allow-root;
# LAB_ARGS adds options, e.g. LAB_ARGS="--no-browser --port 8899".
LAB_ARGS ?=
LAB = $(JUPYTER) lab $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

lab: $(VENV_STAMP) ## open the notebooks in JupyterLab
	@$(PY) -c "import jupyterlab" 2>/dev/null || $(VENV)/bin/pip install -q jupyterlab==4.5.0
	cd notebooks && $(LAB)

clean: ## remove build outputs (keeps the run cache and data)
	rm -rf $(BUILD)

clean-runs: ## remove the run cache (trained models: expensive to redo)
	rm -rf runs

distclean: clean clean-runs ## remove everything made, data and .venv too
	rm -rf data $(VENV) $(PEER_VENV)

# ---- set-up -----------------------------------------------------------------

$(VENV_STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "error: Python >= 3.10 is needed (PYTHON=$(PYTHON)):" \
		  "install one and pass it, e.g. make pdf PYTHON=python3.11" >&2; exit 1; }
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(PEER_STAMP):
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install -q --disable-pip-version-check \
		$(PEER_REQUIREMENTS)
	touch $@

data/%/raw/.verified: | $(VENV_STAMP)
	$(PY) -m helpers.data fetch $*
	touch $@

# ---- per-homework build: execute → convert → typeset -----------------------

# Which helper modules each notebook imports, transitively (tools/nbdeps.py):
# touching one re-executes only the notebooks that use it. Not made for the
# goals that execute no notebook.
NOTEBOOKS := $(foreach hw,$(HOMEWORKS),$($(hw)_PARTS:%=notebooks/$(hw)/%.ipynb))
NO_NOTEBOOK_GOALS := help setup data tex test bench bench-bf16 lab clean \
	clean-runs distclean
$(BUILD)/deps.mk: $(NOTEBOOKS) $(HELPERS) tools/nbdeps.py
	@mkdir -p $(@D)
	$(PYTHON) tools/nbdeps.py $(NOTEBOOKS) > $@.tmp && mv $@.tmp $@
ifneq ($(filter-out $(NO_NOTEBOOK_GOALS),$(or $(MAKECMDGOALS),help)),)
-include $(BUILD)/deps.mk
endif

# The run parameters, rewritten only when they change (notebooks depend on it).
$(BUILD)/%/params: FORCE
	@mkdir -p $(@D)
	@echo "profile=$(PROFILE) device=$(DEVICE) seed=$(SEED)" > $@.new
	@cmp -s $@.new $@ && rm $@.new || mv $@.new $@

# $(call homework_rules,hwN): execute its notebooks, convert them, typeset.
define homework_rules
# (Each notebook also depends on the helper modules it imports: deps.mk.)
# (TeX first: a box without it stops before hours of notebooks run.)
$(BUILD)/$(1)/nb/%.ipynb: notebooks/$(1)/%.ipynb $(BUILD)/$(1)/params \
		| $(VENV_STAMP) data tex
	@mkdir -p $$(@D)
	@echo "[pdf] executing $$< (profile $(PROFILE), device $(DEVICE))"
	$(PAPERMILL) $$< $$(@:.ipynb=.part.ipynb) -p profile $(PROFILE) \
		-p device $(DEVICE) -p seed $(SEED) --cwd $$(<D) --log-output \
		--no-progress-bar --log-level WARNING || \
		{ rm -f $(BUILD)/$(1).pdf; \
		  echo "error: $$< failed (partial output: $$(@:.ipynb=.part.ipynb))"; \
		  exit 1; }
	mv $$(@:.ipynb=.part.ipynb) $$@

$(BUILD)/$(1)/nb/%/body.tex: $(BUILD)/$(1)/nb/%.ipynb \
		latex/templates/body.tex.j2 tools/nbtex.py
	rm -rf $$(@D) && mkdir -p $$(@D)
	$(JUPYTER) nbconvert $(NBCONVERT_FLAGS) --log-level WARN \
		--output-dir $$(@D) --output body $$<
	$(PY) tools/nbtex.py $$@ --preamble $(BUILD)/$(1)/nbpreamble.tex

$(BUILD)/$(1)/meta.tex: $(BUILD)/$(1)/params $(wildcard .git/logs/HEAD) \
		| $(VENV_STAMP)
	$(PY) tools/buildinfo.py $(PROFILE) $(DEVICE) $(SEED) > $$@

$(BUILD)/$(1).pdf: $(foreach part,$($(1)_PARTS),$(BUILD)/$(1)/nb/$(part)/body.tex) \
		$(BUILD)/$(1)/meta.tex $(wildcard latex/$(1)/*.tex latex/common/*.tex) \
		latex/student.tex | tex
	cp latex/$(1)/*.tex latex/common/*.tex latex/student.tex $(BUILD)/$(1)/
	cd $(BUILD)/$(1) && latexmk -xelatex -interaction=nonstopmode \
		-halt-on-error -quiet main.tex >latexmk.out 2>&1 || \
		{ tail -n 30 main.log; \
		  echo "error: LaTeX failed (log: $(BUILD)/$(1)/main.log)"; exit 1; }
	@tools/check_refs.sh $(BUILD)/$(1)/main.log $(1)
	cp $(BUILD)/$(1)/main.pdf $$@.tmp && mv $$@.tmp $$@
	@echo "[pdf] wrote $$@"
endef

$(foreach hw,$(HOMEWORKS),$(eval $(call homework_rules,$(hw))))

$(BUILD)/hw2-code.zip: $(BUILD)/hw2.pdf tools/codezip.py
	$(PY) tools/codezip.py $@ $(CODE_PATHS)

.PHONY: FORCE
FORCE:

# Executed notebooks are build products, not intermediates to delete.
.SECONDARY:
