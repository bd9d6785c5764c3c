package com.tailf.ncs;

import com.tailf.conf.NotAvailable;

/** Injects @Resource fields (MAAPI and CDB sockets) into package components. */
public final class ResourceManager {
    private ResourceManager() {}

    public static void registerResources(Object o) throws Exception { throw new NotAvailable("ResourceManager.registerResources"); }
    public static void unregisterResources(Object o) throws Exception { throw new NotAvailable("ResourceManager.unregisterResources"); }
}
