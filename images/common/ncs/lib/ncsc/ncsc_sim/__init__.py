"""The NSO simulator's stand-in for ncsc, NSO's YANG compiler."""
