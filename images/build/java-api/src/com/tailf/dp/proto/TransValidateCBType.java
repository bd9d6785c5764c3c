package com.tailf.dp.proto;

/** Kinds of TransValidate callbacks. */
public enum TransValidateCBType {
    INIT,
    STOP;
}
