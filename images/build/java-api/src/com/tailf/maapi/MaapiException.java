package com.tailf.maapi;

import com.tailf.conf.ConfException;

/** Failure of a MAAPI call. */
public class MaapiException extends ConfException {
    private static final long serialVersionUID = 1L;

    public MaapiException(String message) { super(message); }
    public MaapiException(String message, Throwable cause) { super(message, cause); }
}
