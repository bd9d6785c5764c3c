package com.tailf.dp.proto;

/** Kinds of Action callbacks. */
public enum ActionCBType {
    INIT,
    ACTION,
    COMMAND,
    COMPLETION;
}
