package com.tailf.conf;

/** A YANG ipv6-prefix value, kept as its text. */
public class ConfIPv6Prefix extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfIPv6Prefix(String value) { this.value = value; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfIPv6Prefix && ((ConfIPv6Prefix) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
