package com.tailf.conf;

import java.nio.charset.StandardCharsets;

/** A string value. */
public class ConfBuf extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfBuf(String value) { this.value = value; }
    public ConfBuf(byte[] bytes) { this.value = new String(bytes, StandardCharsets.UTF_8); }

    public byte[] bytesValue() { return value.getBytes(StandardCharsets.UTF_8); }
    public String stringValue() { return value; }
    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfBuf && ((ConfBuf) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
