package com.tailf.navu;

import com.tailf.conf.ConfException;
import com.tailf.conf.NotAvailable;
import com.tailf.maapi.Maapi;

/** The transaction NAVU works in. */
public class NavuContext {
    private final Maapi maapi;
    private int th;

    public NavuContext(Maapi maapi) { this.maapi = maapi; this.th = -1; }
    public NavuContext(Maapi maapi, int th) { this.maapi = maapi; this.th = th; }

    public Maapi getMaapi() { return maapi; }
    public int getMaapiHandle() { return th; }
    public int startRunningTrans(int mode) throws ConfException { throw new NotAvailable("NavuContext.startRunningTrans"); }
    public int startOperationalTrans(int mode) throws ConfException { throw new NotAvailable("NavuContext.startOperationalTrans"); }
    public void applyClearTrans() throws ConfException { throw new NotAvailable("NavuContext.applyClearTrans"); }
    public void finishClearTrans() throws ConfException { throw new NotAvailable("NavuContext.finishClearTrans"); }
    public void removeCdbSessions() { }
}
