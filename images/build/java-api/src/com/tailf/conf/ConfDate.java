package com.tailf.conf;

/** A YANG date value, kept as its text. */
public class ConfDate extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfDate(String value) { this.value = value; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfDate && ((ConfDate) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
