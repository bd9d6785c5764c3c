package com.tailf.conf;

/** A YANG int16 value. */
public class ConfInt16 extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final long value;

    public ConfInt16(long value) { this.value = value; }
    public ConfInt16(String value) { this.value = Long.parseLong(value.trim()); }

    public long longValue() { return value; }
    public int intValue() { return (int) value; }
    @Override public String toString() { return Long.toString(value); }
    @Override public boolean equals(Object o) { return o instanceof ConfInt16 && ((ConfInt16) o).value == value; }
    @Override public int hashCode() { return Long.hashCode(value); }
}
