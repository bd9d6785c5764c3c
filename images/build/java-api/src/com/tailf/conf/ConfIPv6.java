package com.tailf.conf;

import java.net.InetAddress;

/** An IPv6 address value. */
public class ConfIPv6 extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final String value;

    public ConfIPv6(String value) { this.value = value; }
    public ConfIPv6(InetAddress address) { this.value = address.getHostAddress(); }

    @Override public String toString() { return value; }
    @Override public boolean equals(Object o) { return o instanceof ConfIPv6 && ((ConfIPv6) o).value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
}
