package com.tailf.dp.proto;

/** Kinds of Service callbacks. */
public enum ServiceCBType {
    CREATE,
    PRE_MODIFICATION,
    POST_MODIFICATION,
    PRE_LOCK_CREATE;
}
