package com.tailf.navu;

import com.tailf.conf.ConfException;
import com.tailf.conf.ConfNamespace;
import com.tailf.conf.NotAvailable;
import com.tailf.maapi.Maapi;

/** A container (or a list entry) in NAVU. */
public class NavuContainer extends NavuNode {
    public NavuContainer(NavuContext context) { }
    public NavuContainer(Maapi maapi, int th, int nsHash) throws ConfException { }

    public NavuContainer container(ConfNamespace ns) throws NavuException { throw new NotAvailable("NavuContainer.container"); }
    public NavuContainer container(Integer nsHash) throws NavuException { throw new NotAvailable("NavuContainer.container"); }
    public NavuContainer namespace(String uriOrPrefix) throws NavuException { throw new NotAvailable("NavuContainer.namespace"); }
    public NavuContainer create() throws NavuException { throw new NotAvailable("NavuContainer.create"); }
    public void delete() throws NavuException { throw new NotAvailable("NavuContainer.delete"); }
    public boolean isListEntry() { return false; }
}
