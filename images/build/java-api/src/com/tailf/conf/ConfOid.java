package com.tailf.conf;

/** A YANG object-identifier value, kept as its text. */
public class ConfOid extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfOid(String value) { this.value = value; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfOid && ((ConfOid) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
