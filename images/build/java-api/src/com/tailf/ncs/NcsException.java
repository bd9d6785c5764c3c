package com.tailf.ncs;

import com.tailf.conf.ConfException;

/** Failure inside NSO's Java VM. */
public class NcsException extends ConfException {
    private static final long serialVersionUID = 1L;

    public NcsException(String message) { super(message); }
    public NcsException(String message, Throwable cause) { super(message, cause); }
}
