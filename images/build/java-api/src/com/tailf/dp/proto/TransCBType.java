package com.tailf.dp.proto;

/** Kinds of Trans callbacks. */
public enum TransCBType {
    INIT,
    TRANS_LOCK,
    TRANS_UNLOCK,
    WRITE_START,
    PREPARE,
    ABORT,
    COMMIT,
    FINISH;
}
