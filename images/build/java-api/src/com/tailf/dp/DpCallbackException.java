package com.tailf.dp;

import com.tailf.conf.ConfException;

/** What a callback throws to fail the operation. */
public class DpCallbackException extends ConfException {
    private static final long serialVersionUID = 1L;

    public DpCallbackException(String message) { super(message); }
    public DpCallbackException(String message, Throwable cause) { super(message, cause); }
    public DpCallbackException(Throwable cause) { super(cause); }
}
