package com.tailf.navu;

import com.tailf.conf.ConfException;

/** Failure of a NAVU operation. */
public class NavuException extends ConfException {
    private static final long serialVersionUID = 1L;

    public NavuException(String message) { super(message); }
    public NavuException(String message, Throwable cause) { super(message, cause); }
    public NavuException(Throwable cause) { super(cause); }
}
