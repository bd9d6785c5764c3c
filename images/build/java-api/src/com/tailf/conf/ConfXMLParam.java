package com.tailf.conf;

/** One element of an action's input or output. */
public abstract class ConfXMLParam extends ConfObject {
    private static final long serialVersionUID = 1L;
    private final String prefix;
    private final String tag;

    protected ConfXMLParam(String prefix, String tag) { this.prefix = prefix; this.tag = tag; }
    protected ConfXMLParam(ConfNamespace ns, String tag) { this(ns.prefix(), tag); }
    protected ConfXMLParam(int nsHash, int tagHash) { this((String) null, ConfNamespace.hashToString(tagHash)); }

    public String getTag() { return tag; }
    public String getPrefix() { return prefix; }
    public ConfObject getValue() { return null; }
    public ConfTag getConfTag() { return new ConfTag(prefix, tag); }
}
