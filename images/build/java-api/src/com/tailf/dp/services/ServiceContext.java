package com.tailf.dp.services;

import com.tailf.conf.ConfException;
import com.tailf.navu.NavuNode;

/** The context of a service callback. */
public interface ServiceContext {
    NavuNode getRootNode() throws ConfException;
    NavuNode getServiceNode() throws ConfException;
    int getMaapiHandle() throws ConfException;
}
