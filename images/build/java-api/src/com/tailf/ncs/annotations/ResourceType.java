package com.tailf.ncs.annotations;

/** Resources the Java VM can inject. */
public enum ResourceType {
    MAAPI,
    CDB
}
