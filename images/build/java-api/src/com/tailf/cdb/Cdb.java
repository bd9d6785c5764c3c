package com.tailf.cdb;

import com.tailf.conf.ConfException;
import com.tailf.conf.NotAvailable;
import java.io.IOException;
import java.net.Socket;

/** NSO's configuration database API. */
public class Cdb {
    private final Socket socket;

    public Cdb(String name, Socket socket) throws IOException, ConfException { this.socket = socket; }

    public Socket getSocket() { return socket; }
    public CdbSession startSession(CdbDBType db) throws ConfException, IOException { throw new NotAvailable("Cdb.startSession"); }
    public CdbSession startSession() throws ConfException, IOException { throw new NotAvailable("Cdb.startSession"); }
    public CdbSubscription newSubscription() throws ConfException, IOException { throw new NotAvailable("Cdb.newSubscription"); }
    public CdbSubscription getSubscription() throws ConfException, IOException { throw new NotAvailable("Cdb.getSubscription"); }
    public void close() throws IOException, ConfException { if (socket != null) { socket.close(); } }
}
