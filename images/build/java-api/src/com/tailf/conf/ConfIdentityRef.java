package com.tailf.conf;

/** A YANG identityref value, kept as its text. */
public class ConfIdentityRef extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfIdentityRef(String value) { this.value = value; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfIdentityRef && ((ConfIdentityRef) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
