package com.tailf.conf;

/** A YANG int32 value. */
public class ConfInt32 extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final long value;

    public ConfInt32(long value) { this.value = value; }
    public ConfInt32(String value) { this.value = Long.parseLong(value.trim()); }

    public long longValue() { return value; }
    public int intValue() { return (int) value; }
    @Override public String toString() { return Long.toString(value); }
    @Override public boolean equals(Object o) { return o instanceof ConfInt32 && ((ConfInt32) o).value == value; }
    @Override public int hashCode() { return Long.hashCode(value); }
}
