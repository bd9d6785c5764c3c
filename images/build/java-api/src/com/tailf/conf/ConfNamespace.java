package com.tailf.conf;

/** Base of the namespace classes ncsc --emit-java generates. */
public abstract class ConfNamespace {
    public abstract int hash();
    public abstract String id();
    public abstract String uri();
    public abstract String prefix();

    public String xmlUri() { return uri(); }

    public static int stringToHash(String str) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(str.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return (int) (crc.getValue() & 0x7FFFFFFFL);
    }

    public static String hashToString(int hash) { return Integer.toString(hash); }
}
