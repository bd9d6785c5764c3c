package com.tailf.cdb;

import com.tailf.conf.ConfException;

/** Failure of a CDB call. */
public class CdbException extends ConfException {
    private static final long serialVersionUID = 1L;

    public CdbException(String message) { super(message); }
    public CdbException(String message, Throwable cause) { super(message, cause); }
}
