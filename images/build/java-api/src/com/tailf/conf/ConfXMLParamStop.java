package com.tailf.conf;

/** An XML parameter element (Stop). */
public class ConfXMLParamStop extends ConfXMLParam {
    private static final long serialVersionUID = 1L;
    public ConfXMLParamStop(String prefix, String tag) { super(prefix, tag); }
    public ConfXMLParamStop(ConfNamespace ns, String tag) { super(ns, tag); }
    public ConfXMLParamStop(int nsHash, int tagHash) { super(nsHash, tagHash); }
}
