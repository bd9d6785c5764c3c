package com.tailf.conf;

/** A YANG hex-list value, kept as its text. */
public class ConfHexList extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfHexList(String value) { this.value = value; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfHexList && ((ConfHexList) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
