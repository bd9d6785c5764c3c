package com.tailf.conf;

/** A YANG date-and-time value, kept as its text. */
public class ConfDatetime extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfDatetime(String value) { this.value = value; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfDatetime && ((ConfDatetime) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
