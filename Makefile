# Neurite: the two commands a user needs are `make run` and `make test`.
# Both install what is missing on Debian 12 (apt-get, with sudo when not root)
# and fetch Go modules, so a fresh machine needs nothing else by hand.

SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
export LANG := en_US.UTF-8
# Go's SIMD experiment lets the hh kernel use AVX2 (compartments/hh_avx2.go);
# without it, or on processors without AVX2, the scalar kernel runs.
export GOEXPERIMENT := simd

# Build set for Fyne, GLFW and go-gl (../shared/notes/gl-and-fyne.md), plus EGL
# for headless compute and libhdf5 for SONATA and NWB files (sim/hdf5); run/test
# set for llvmpipe under Xvfb, ffmpeg for MP4 export, the screenshot tools of
# the window test, and h5py, which the tests read Neurite's HDF5 files with.
DEBS_BUILD := gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libegl-dev libhdf5-dev
DEBS_RUN := libgl1-mesa-dri xvfb xauth x11-utils imagemagick ffmpeg python3-h5py
# NEURON 8.2 with MPI, for the tests that run models exported by neurite
# export neuron (python3 run.py, mpiexec -n 2 nrniv -mpi -python run.py)
# and compile their .mod files (nrnivmodl, which needs g++ and make).
DEBS_NEURON := neuron neuron-dev python3-neuron openmpi-bin g++ make
# PyNN with MPI on NEURON (neurite export pynn), and lxml, with which the
# tests check the NeuroML Neurite writes against the schema.
DEBS_PYNN := python3-pynn python3-mpi4py python3-lxml
XVFB := xvfb-run -a -s "-screen 0 1280x800x24"
# Each fuzz target runs a count of inputs, about 10 s on two cores, not a
# duration: Go 1.26's fuzzing coordinator can fail a run at the end of a
# -fuzztime duration with "context deadline exceeded" and no input found
# (go.dev/issue/75804, fixed in Go 1.27); a count has no deadline to race.
# A new input of interest is minimised for at most a second (Go's
# default, a minute, left runs minimising).
FUZZRUNS ?= 1

PREFIX ?= /usr/local

.PHONY: run test deps build install check-format vet bench

run: build
	./bin/neurite

# Two binaries: neurite (the command line, without Fyne) and neurite-app
# (the desktop app), which neurite starts from beside itself.
build: deps
	go build -o bin/ ./cmd/neurite ./cmd/neurite-app

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 bin/neurite bin/neurite-app $(DESTDIR)$(PREFIX)/bin/

deps:
	@missing=""; \
	for p in $(DEBS_BUILD) $(DEBS_RUN) $(DEBS_NEURON) $(DEBS_PYNN); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		echo "installing Debian packages:$$missing"; \
		$$sudo apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@# PyNN's NEURON backend needs its own mechanisms compiled, once, where
	@# Debian installs them; Debian's nrnivmodl finds its makefile only
	@# through NRNHOME_EXEC and links with -loadflags (see
	@# sim/export/neuronexport/run.py). Only the shared library is needed.
	@nmodl=$$(/usr/bin/python3 -c 'import os, pyNN; print(os.path.join(os.path.dirname(pyNN.__file__), "neuron", "nmodl"))' 2>/dev/null); \
	if [ -n "$$nmodl" ] && [ ! -e "$$nmodl/$$(uname -m)/.libs/libnrnmech.so" ]; then \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		echo "compiling PyNN's NEURON mechanisms in $$nmodl"; \
		tmp=$$(mktemp -d); mkdir -p $$tmp/bin; ln -s /usr/lib/nrn/nrnmech_makefile $$tmp/bin/; \
		(cd "$$nmodl" && $$sudo env NRNHOME_EXEC=$$tmp LC_ALL=C nrnivmodl -loadflags "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn" >/dev/null 2>&1); \
		rm -rf $$tmp; \
		test -e "$$nmodl/$$(uname -m)/.libs/libnrnmech.so" || { echo "nrnivmodl failed in $$nmodl"; exit 1; }; \
	fi
	@command -v go >/dev/null || { echo "Go is not on the PATH (expected /usr/local/go/bin/go)"; exit 1; }
	go mod download

check-format:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi

vet: deps
	go vet ./...

test: deps check-format vet
	$(XVFB) go test -count=1 ./...
	go test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $$((200000 * $(FUZZRUNS)))x -fuzzminimizetime 1s ./compartments/swc
	go test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $$((100000 * $(FUZZRUNS)))x -fuzzminimizetime 1s ./compartments/nmodl
	go test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $$((50000 * $(FUZZRUNS)))x -fuzzminimizetime 1s ./compartments/neuroml
	go test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $$((100000 * $(FUZZRUNS)))x -fuzzminimizetime 1s ./sim/spec
	go test -run '^$$' -fuzz '^FuzzLoadNetwork$$' -fuzztime $$((30000 * $(FUZZRUNS)))x -fuzzminimizetime 1s ./sim/spec
	go test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $$((60000 * $(FUZZRUNS)))x -fuzzminimizetime 1s ./sim/point
	go test -run '^$$' -fuzz '^FuzzCompiled$$' -fuzztime $$((20000 * $(FUZZRUNS)))x -fuzzminimizetime 1s ./sim/point

bench: build
	go test -run '^$$' -bench . ./...
