# Make definitions for NSO package Makefiles, NSO simulator edition.
#
# A package's src/Makefile pulls this in with
#     include $(NCS_DIR)/src/ncs/build/include.ncs.mk
# and then relies on the tool variables and the suffix rules below.

OSNAME           := $(shell uname -s)

# NSO tools
NCS              = $(NCS_DIR)/bin/ncs
NCSC             = $(NCS_DIR)/bin/ncsc
NETSIM           = $(NCS_DIR)/bin/ncs-netsim
NCS_MAKE_PACKAGE = $(NCS_DIR)/bin/ncs-make-package
PYANG            = $(NCS_DIR)/bin/pyang
# ConfD's compiler goes by NCSC in NSO; a Makefile still calling CONFDC is told so.
CONFDC           = @echo "ncsc: use $$(NCSC) instead of $$(CONFDC) in NSO package Makefiles" ; false

CDB_DIR          = ./ncs-cdb
# Warnings fail a build unless a Makefile says otherwise (FXS_WERR=).
FXS_WERR        ?= --fail-on-warnings

# Other tools package Makefiles call
KILLALL          = killall
TAR              = tar
JAVA             = java
JAVAC            = javac
ANT              = ant
PYTHON           = python3

export MAKE

# YANG module -> loadable schema; clispec -> compiled clispec.
%.fxs: %.yang $(NCSC)
	$(NCSC) $(FXS_WERR) $(EXTRA_LINK_FLAGS) -c -o $@ $<

%.ccl: %.cli
	$(NCSC) -c $<

# Safety net targets some Makefiles chain to.
env-check:
	@if [ ! -f "$(NCS_DIR)/src/ncs/build/include.ncs.mk" ]; then \
	  echo "NCS_DIR does not point at an NSO installation"; \
	  exit 1; \
	fi

iclean: env-check
	rm -rf *.log *.trace logs/* ncs-cdb/*.db ncs-cdb/*.cdb state/*
