package com.tailf.conf;

/** A schema node name in a keypath or XML parameter. */
public class ConfTag extends ConfObject {
    private static final long serialVersionUID = 1L;
    private final String prefix;
    private final String tag;
    private final int nsHash;
    private final int tagHash;

    public ConfTag(String prefix, String tag) {
        this.prefix = prefix;
        this.tag = tag;
        this.nsHash = 0;
        this.tagHash = ConfNamespace.stringToHash(tag);
    }
    public ConfTag(int nsHash, int tagHash) {
        this.prefix = null;
        this.tag = ConfNamespace.hashToString(tagHash);
        this.nsHash = nsHash;
        this.tagHash = tagHash;
    }
    public ConfTag(String tag) { this(null, tag); }

    public String getTag() { return tag; }
    public int getTagHash() { return tagHash; }
    public int getNSHash() { return nsHash; }
    public String getPrefix() { return prefix; }
    @Override public String toString() { return prefix == null ? tag : prefix + ":" + tag; }
}
