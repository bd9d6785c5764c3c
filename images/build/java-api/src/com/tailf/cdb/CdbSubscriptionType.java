package com.tailf.cdb;

/** Kinds of CDB subscriptions. */
public enum CdbSubscriptionType {
    SUB_RUNNING,
    SUB_RUNNING_TWOPHASE,
    SUB_OPERATIONAL
}
