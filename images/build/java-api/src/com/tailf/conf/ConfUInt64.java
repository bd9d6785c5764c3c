package com.tailf.conf;

/** A YANG uint64 value. */
public class ConfUInt64 extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final long value;

    public ConfUInt64(long value) { this.value = value; }
    public ConfUInt64(String value) { this.value = Long.parseLong(value.trim()); }

    public long longValue() { return value; }
    public int intValue() { return (int) value; }
    @Override public String toString() { return Long.toString(value); }
    @Override public boolean equals(Object o) { return o instanceof ConfUInt64 && ((ConfUInt64) o).value == value; }
    @Override public int hashCode() { return Long.hashCode(value); }
}
