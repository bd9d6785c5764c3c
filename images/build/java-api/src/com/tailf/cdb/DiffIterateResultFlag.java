package com.tailf.cdb;

/** How diffIterate continues after a node. */
public enum DiffIterateResultFlag {
    ITER_STOP,
    ITER_RECURSE,
    ITER_CONTINUE,
    ITER_UP
}
