package com.tailf.conf;

import java.net.InetAddress;

/** An IPv4 address value. */
public class ConfIPv4 extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfIPv4(String value) { this.value = value; }
    public ConfIPv4(InetAddress address) { this.value = address.getHostAddress(); }
    public ConfIPv4(int a, int b, int c, int d) { this.value = a + "." + b + "." + c + "." + d; }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfIPv4 && ((ConfIPv4) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
