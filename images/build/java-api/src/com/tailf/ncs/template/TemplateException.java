package com.tailf.ncs.template;

import com.tailf.conf.ConfException;

/** Failure to apply a template. */
public class TemplateException extends ConfException {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) { super(message); }
    public TemplateException(String message, Throwable cause) { super(message, cause); }
}
