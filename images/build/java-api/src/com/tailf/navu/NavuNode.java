package com.tailf.navu;

import com.tailf.conf.ConfException;
import com.tailf.conf.ConfObject;
import com.tailf.conf.ConfPath;
import com.tailf.conf.NotAvailable;
import java.util.Collection;
import java.util.List;

/** A node of NSO's data tree, navigated with NAVU. */
public abstract class NavuNode {
    public NavuNode getParent() { throw new NotAvailable("NavuNode.getParent"); }
    public NavuContext getNavuContext() { throw new NotAvailable("NavuNode.getNavuContext"); }
    public String getName() { throw new NotAvailable("NavuNode.getName"); }
    public String getKeyPath() { throw new NotAvailable("NavuNode.getKeyPath"); }
    public ConfPath getConfPath() throws ConfException { throw new NotAvailable("NavuNode.getConfPath"); }
    public ConfObject[] getKeyPathObj() throws ConfException { throw new NotAvailable("NavuNode.getKeyPathObj"); }
    public int getTagHash() { throw new NotAvailable("NavuNode.getTagHash"); }

    public NavuContainer container(String name) throws NavuException { throw new NotAvailable("NavuNode.container"); }
    public NavuContainer container(int tagHash) throws NavuException { throw new NotAvailable("NavuNode.container"); }
    public NavuContainer container(String prefix, String name) throws NavuException { throw new NotAvailable("NavuNode.container"); }
    public NavuList list(String name) throws NavuException { throw new NotAvailable("NavuNode.list"); }
    public NavuList list(int tagHash) throws NavuException { throw new NotAvailable("NavuNode.list"); }
    public NavuList list(String prefix, String name) throws NavuException { throw new NotAvailable("NavuNode.list"); }
    public NavuLeaf leaf(String name) throws NavuException { throw new NotAvailable("NavuNode.leaf"); }
    public NavuLeaf leaf(int tagHash) throws NavuException { throw new NotAvailable("NavuNode.leaf"); }
    public NavuLeaf leaf(String prefix, String name) throws NavuException { throw new NotAvailable("NavuNode.leaf"); }
    public NavuLeafList leafList(String name) throws NavuException { throw new NotAvailable("NavuNode.leafList"); }
    public NavuChoice choice(String name) throws NavuException { throw new NotAvailable("NavuNode.choice"); }
    public NavuAction action(String name) throws NavuException { throw new NotAvailable("NavuNode.action"); }

    public List<NavuNode> select(String path) throws NavuException { throw new NotAvailable("NavuNode.select"); }
    public List<NavuNode> xPathSelect(String xpath) throws NavuException { throw new NotAvailable("NavuNode.xPathSelect"); }
    public Collection<NavuNode> children() throws NavuException { throw new NotAvailable("NavuNode.children"); }
    public boolean exists() throws NavuException { throw new NotAvailable("NavuNode.exists"); }
}
