package com.tailf.navu;

import com.tailf.conf.ConfValue;
import com.tailf.conf.NotAvailable;
import java.util.List;

/** A leaf in NAVU. */
public class NavuLeaf extends NavuNode {
    public ConfValue value() throws NavuException { throw new NotAvailable("NavuLeaf.value"); }
    public String valueAsString() throws NavuException { throw new NotAvailable("NavuLeaf.valueAsString"); }
    public NavuLeaf set(String value) throws NavuException { throw new NotAvailable("NavuLeaf.set"); }
    public NavuLeaf set(ConfValue value) throws NavuException { throw new NotAvailable("NavuLeaf.set"); }
    public NavuLeaf sharedSet(String value) throws NavuException { throw new NotAvailable("NavuLeaf.sharedSet"); }
    public NavuLeaf sharedSet(ConfValue value) throws NavuException { throw new NotAvailable("NavuLeaf.sharedSet"); }
    public NavuLeaf delete() throws NavuException { throw new NotAvailable("NavuLeaf.delete"); }
    public NavuLeaf create() throws NavuException { throw new NotAvailable("NavuLeaf.create"); }
    public List<NavuNode> deref() throws NavuException { throw new NotAvailable("NavuLeaf.deref"); }
    public boolean exists() throws NavuException { throw new NotAvailable("NavuLeaf.exists"); }
}
