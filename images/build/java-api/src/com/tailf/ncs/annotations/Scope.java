package com.tailf.ncs.annotations;

/** Whether an injected resource is shared. */
public enum Scope {
    CONTEXT,
    INSTANCE
}
