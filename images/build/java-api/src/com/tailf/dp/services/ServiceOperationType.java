package com.tailf.dp.services;

/** What happened to a service instance (pre/post-modification callbacks). */
public enum ServiceOperationType {
    CREATE,
    UPDATE,
    DELETE
}
