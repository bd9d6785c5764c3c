package com.tailf.cdb;

/** The CDB datastores. */
public enum CdbDBType {
    CDB_RUNNING,
    CDB_STARTUP,
    CDB_OPERATIONAL,
    CDB_PRE_COMMIT_RUNNING
}
