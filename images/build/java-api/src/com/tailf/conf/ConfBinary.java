package com.tailf.conf;

/** A YANG binary value, kept as its text. */
public class ConfBinary extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfBinary(String value) { this.value = value; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfBinary && ((ConfBinary) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
