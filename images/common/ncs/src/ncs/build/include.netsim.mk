# Make definitions for the netsim/ folder of NED packages, NSO simulator
# edition. netsim devices are ConfD instances; their YANG and clispec files
# are compiled with ConfD's compiler, which here is the same checker as ncsc.

CONFD_DIR        = $(NCS_DIR)/netsim/confd
CONFDC           = $(CONFD_DIR)/bin/confdc
NCSC             = $(NCS_DIR)/bin/ncsc

export MAKE

%.fxs: %.yang
	$(CONFDC) -c -o $@ $<

%.ccl: %.cli
	$(CONFDC) -c $<
