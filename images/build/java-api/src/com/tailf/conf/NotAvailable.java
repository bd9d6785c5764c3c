package com.tailf.conf;

/**
 * Thrown by the simulator's API classes for calls that need a running NSO:
 * the jars exist so that packages compile in the build image.
 */
public final class NotAvailable extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    public NotAvailable(String what) {
        super(what + " needs a running NSO (NSO simulator API jar)");
    }
}
