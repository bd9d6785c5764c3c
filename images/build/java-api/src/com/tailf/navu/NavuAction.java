package com.tailf.navu;

import com.tailf.conf.ConfXMLParam;
import com.tailf.conf.NotAvailable;

/** An action in NAVU. */
public class NavuAction extends NavuNode {
    public ConfXMLParam[] call(ConfXMLParam[] params) throws NavuException { throw new NotAvailable("NavuAction.call"); }
    public ConfXMLParam[] call() throws NavuException { throw new NotAvailable("NavuAction.call"); }
}
