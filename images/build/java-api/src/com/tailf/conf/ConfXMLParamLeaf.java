package com.tailf.conf;

/** An XML parameter element (Leaf). */
public class ConfXMLParamLeaf extends ConfXMLParam {
    private static final long serialVersionUID = 1L;
    public ConfXMLParamLeaf(String prefix, String tag) { super(prefix, tag); }
    public ConfXMLParamLeaf(ConfNamespace ns, String tag) { super(ns, tag); }
    public ConfXMLParamLeaf(int nsHash, int tagHash) { super(nsHash, tagHash); }
}
