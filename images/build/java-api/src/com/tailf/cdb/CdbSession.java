package com.tailf.cdb;

import com.tailf.conf.ConfException;
import com.tailf.conf.ConfValue;
import com.tailf.conf.NotAvailable;
import java.io.IOException;

/** A read (or operational write) session against CDB. */
public class CdbSession {
    public ConfValue getElem(String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("CdbSession.getElem"); }
    public void setElem(ConfValue value, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("CdbSession.setElem"); }
    public boolean exists(String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("CdbSession.exists"); }
    public int getNumberOfInstances(String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("CdbSession.getNumberOfInstances"); }
    public void create(String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("CdbSession.create"); }
    public void delete(String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("CdbSession.delete"); }
    public void endSession() throws ConfException, IOException { throw new NotAvailable("CdbSession.endSession"); }
}
