package com.tailf.conf;

/** An XML parameter element (Start). */
public class ConfXMLParamStart extends ConfXMLParam {
    private static final long serialVersionUID = 1L;
    public ConfXMLParamStart(String prefix, String tag) { super(prefix, tag); }
    public ConfXMLParamStart(ConfNamespace ns, String tag) { super(ns, tag); }
    public ConfXMLParamStart(int nsHash, int tagHash) { super(nsHash, tagHash); }
}
