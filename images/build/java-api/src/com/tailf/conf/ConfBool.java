package com.tailf.conf;

/** A boolean value. */
public class ConfBool extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final boolean value;

    public ConfBool(boolean value) { this.value = value; }
    public ConfBool(String value) { this.value = Boolean.parseBoolean(value.trim()); }

    public boolean booleanValue() { return value; }
    @Override public String toString() { return Boolean.toString(value); }
    @Override public boolean equals(Object o) { return o instanceof ConfBool && ((ConfBool) o).value == value; }
    @Override public int hashCode() { return Boolean.hashCode(value); }
}
