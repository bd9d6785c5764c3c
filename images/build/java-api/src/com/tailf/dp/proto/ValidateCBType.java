package com.tailf.dp.proto;

/** Kinds of Validate callbacks. */
public enum ValidateCBType {
    VALIDATE;
}
