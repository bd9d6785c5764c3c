package com.tailf.conf;

/** Base of the checked exceptions of NSO's Java API. */
public class ConfException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfException() { super(); }
    public ConfException(String message) { super(message); }
    public ConfException(String message, Throwable cause) { super(message, cause); }
    public ConfException(Throwable cause) { super(cause); }

    public int getErrorCode() { return 0; }
}
