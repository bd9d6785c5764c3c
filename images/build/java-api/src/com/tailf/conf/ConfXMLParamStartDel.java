package com.tailf.conf;

/** An XML parameter element (StartDel). */
public class ConfXMLParamStartDel extends ConfXMLParam {
    private static final long serialVersionUID = 1L;
    public ConfXMLParamStartDel(String prefix, String tag) { super(prefix, tag); }
    public ConfXMLParamStartDel(ConfNamespace ns, String tag) { super(ns, tag); }
    public ConfXMLParamStartDel(int nsHash, int tagHash) { super(nsHash, tagHash); }
}
