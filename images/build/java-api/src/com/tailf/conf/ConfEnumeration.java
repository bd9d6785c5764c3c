package com.tailf.conf;

/** A YANG enumeration value. */
public class ConfEnumeration extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final long value;

    public ConfEnumeration(long value) { this.value = value; }
    public ConfEnumeration(String value) { this.value = Long.parseLong(value.trim()); }

    public long longValue() { return value; }
    public int intValue() { return (int) value; }
    @Override public String toString() { return Long.toString(value); }
    @Override public boolean equals(Object o) { return o instanceof ConfEnumeration && ((ConfEnumeration) o).value == value; }
    @Override public int hashCode() { return Long.hashCode(value); }
}
