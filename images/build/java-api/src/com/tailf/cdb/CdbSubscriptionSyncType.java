package com.tailf.cdb;

/** How a subscriber tells CDB it is done with a notification. */
public enum CdbSubscriptionSyncType {
    DONE_PRIORITY,
    DONE_SOCKET,
    DONE_TRANSACTION,
    DONE_OPERATIONAL
}
