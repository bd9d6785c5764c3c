package com.tailf.cdb;

/** What happened to a node, as reported by diffIterate. */
public enum DiffIterateOperFlag {
    MOP_CREATED,
    MOP_DELETED,
    MOP_MODIFIED,
    MOP_VALUE_SET,
    MOP_MOVED_AFTER,
    MOP_ATTR_SET
}
