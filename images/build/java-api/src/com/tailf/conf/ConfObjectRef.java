package com.tailf.conf;

/** A YANG instance-identifier value, kept as its text. */
public class ConfObjectRef extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfObjectRef(String value) { this.value = value; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfObjectRef && ((ConfObjectRef) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
