package com.tailf.cdb;

import com.tailf.conf.ConfException;
import com.tailf.conf.ConfNamespace;
import com.tailf.conf.NotAvailable;
import java.io.IOException;

/** A subscription to changes in CDB. */
public class CdbSubscription {
    public int subscribe(int priority, ConfNamespace ns, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("CdbSubscription.subscribe"); }
    public int subscribe(int priority, int nsHash, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("CdbSubscription.subscribe"); }
    public int subscribe(CdbSubscriptionType type, int priority, ConfNamespace ns, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("CdbSubscription.subscribe"); }
    public void subscribeDone() throws ConfException, IOException { throw new NotAvailable("CdbSubscription.subscribeDone"); }
    public int[] read() throws ConfException, IOException { throw new NotAvailable("CdbSubscription.read"); }
    public void sync(CdbSubscriptionSyncType how) throws ConfException, IOException { throw new NotAvailable("CdbSubscription.sync"); }
    public void diffIterate(int point, CdbDiffIterate iter) throws ConfException, IOException { throw new NotAvailable("CdbSubscription.diffIterate"); }
    public void diffIterate(int point, CdbDiffIterate iter, Object initstate) throws ConfException, IOException { throw new NotAvailable("CdbSubscription.diffIterate"); }
}
