package com.tailf.dp.proto;

/** Kinds of NanoService callbacks. */
public enum NanoServiceCBType {
    CREATE,
    DELETE;
}
