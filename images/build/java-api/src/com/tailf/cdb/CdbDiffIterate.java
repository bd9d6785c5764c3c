package com.tailf.cdb;

import com.tailf.conf.ConfObject;

/** Callback of CdbSubscription.diffIterate. */
public interface CdbDiffIterate {
    DiffIterateResultFlag iterate(ConfObject[] kp, DiffIterateOperFlag op, ConfObject oldValue,
            ConfObject newValue, Object initstate);
}
