package com.tailf.conf;

/** An XML parameter element (Value). */
public class ConfXMLParamValue extends ConfXMLParam {
    private static final long serialVersionUID = 1L;
    private final ConfObject value;

    public ConfXMLParamValue(String prefix, String tag, ConfObject value) { super(prefix, tag); this.value = value; }
    public ConfXMLParamValue(ConfNamespace ns, String tag, ConfObject value) { super(ns, tag); this.value = value; }
    public ConfXMLParamValue(int nsHash, int tagHash, ConfObject value) { super(nsHash, tagHash); this.value = value; }

    @Override public ConfObject getValue() { return value; }
}
