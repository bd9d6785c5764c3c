package com.tailf.navu;

import com.tailf.conf.NotAvailable;

/** A choice in NAVU. */
public class NavuChoice extends NavuNode {
    public NavuCase getSelectedCase() throws NavuException { throw new NotAvailable("NavuChoice.getSelectedCase"); }
}
