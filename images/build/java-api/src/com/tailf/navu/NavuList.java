package com.tailf.navu;

import com.tailf.conf.ConfKey;
import com.tailf.conf.NotAvailable;
import java.util.Collection;
import java.util.Iterator;

/** A YANG list in NAVU: its entries are NavuContainers. */
public class NavuList extends NavuNode implements Iterable<NavuContainer> {
    public NavuContainer elem(String key) throws NavuException { throw new NotAvailable("NavuList.elem"); }
    public NavuContainer elem(ConfKey key) throws NavuException { throw new NotAvailable("NavuList.elem"); }
    public NavuContainer elem(String[] keys) throws NavuException { throw new NotAvailable("NavuList.elem"); }
    public NavuContainer create(String key) throws NavuException { throw new NotAvailable("NavuList.create"); }
    public NavuContainer create(ConfKey key) throws NavuException { throw new NotAvailable("NavuList.create"); }
    public NavuContainer sharedCreate(String key) throws NavuException { throw new NotAvailable("NavuList.sharedCreate"); }
    public NavuContainer safeCreate(String key) throws NavuException { throw new NotAvailable("NavuList.safeCreate"); }
    public void delete(String key) throws NavuException { throw new NotAvailable("NavuList.delete"); }
    public void delete(ConfKey key) throws NavuException { throw new NotAvailable("NavuList.delete"); }
    public boolean containsNode(String key) throws NavuException { throw new NotAvailable("NavuList.containsNode"); }
    public boolean containsNode(ConfKey key) throws NavuException { throw new NotAvailable("NavuList.containsNode"); }
    public Collection<NavuContainer> elements() throws NavuException { throw new NotAvailable("NavuList.elements"); }
    public int size() throws NavuException { throw new NotAvailable("NavuList.size"); }
    public boolean isEmpty() throws NavuException { throw new NotAvailable("NavuList.isEmpty"); }
    @Override public Iterator<NavuContainer> iterator() { throw new NotAvailable("NavuList.iterator"); }
}
