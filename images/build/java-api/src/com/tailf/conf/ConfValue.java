package com.tailf.conf;

/** A value of a YANG leaf. */
public abstract class ConfValue extends ConfObject {
    private static final long serialVersionUID = 1L;

    public static ConfValue getValue(Object o) {
        if (o instanceof ConfValue) {
            return (ConfValue) o;
        }
        return new ConfBuf(String.valueOf(o));
    }
}
