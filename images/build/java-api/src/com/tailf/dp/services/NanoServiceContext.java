package com.tailf.dp.services;

import com.tailf.conf.ConfException;

/** The context of a nano-service state callback. */
public interface NanoServiceContext extends ServiceContext {
    void setReached() throws ConfException;
}
