package com.tailf.conf;

/** A YANG duration value, kept as its text. */
public class ConfDuration extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfDuration(String value) { this.value = value; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfDuration && ((ConfDuration) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
