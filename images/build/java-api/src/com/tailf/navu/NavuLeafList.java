package com.tailf.navu;

import com.tailf.conf.ConfValue;
import com.tailf.conf.NotAvailable;
import java.util.Collection;

/** A leaf-list in NAVU. */
public class NavuLeafList extends NavuNode {
    public Collection<NavuLeafList> elements() throws NavuException { throw new NotAvailable("NavuLeafList.elements"); }
    public ConfValue value() throws NavuException { throw new NotAvailable("NavuLeafList.value"); }
    public String valueAsString() throws NavuException { throw new NotAvailable("NavuLeafList.valueAsString"); }
    public NavuLeafList create(String value) throws NavuException { throw new NotAvailable("NavuLeafList.create"); }
    public NavuLeafList delete(String value) throws NavuException { throw new NotAvailable("NavuLeafList.delete"); }
    public boolean containsNode(String value) throws NavuException { throw new NotAvailable("NavuLeafList.containsNode"); }
}
