package com.tailf.maapi;

import com.tailf.conf.ConfException;
import com.tailf.conf.ConfNamespace;
import com.tailf.conf.ConfObject;
import com.tailf.conf.ConfValue;
import com.tailf.conf.ConfXMLParam;
import com.tailf.conf.NotAvailable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** Management agent API: transactions against NSO's configuration. */
public class Maapi {
    private final Socket socket;

    public Maapi(Socket socket) throws ConfException { this.socket = socket; }

    public Socket getSocket() { return socket; }

    public void loadSchemas() throws ConfException, IOException { throw new NotAvailable("Maapi.loadSchemas"); }
    public void startUserSession(String user, InetAddress src, String context, String[] groups,
            MaapiUserSessionFlag proto) throws ConfException, IOException {
        throw new NotAvailable("Maapi.startUserSession");
    }
    public void endUserSession() throws ConfException, IOException { throw new NotAvailable("Maapi.endUserSession"); }
    public int startTrans(int db, int mode) throws ConfException, IOException { throw new NotAvailable("Maapi.startTrans"); }
    public void applyTrans(int th, boolean keepOpen) throws ConfException, IOException { throw new NotAvailable("Maapi.applyTrans"); }
    public void finishTrans(int th) throws ConfException, IOException { throw new NotAvailable("Maapi.finishTrans"); }
    public void setNamespace(int th, String uri) throws ConfException, IOException { throw new NotAvailable("Maapi.setNamespace"); }
    public ConfValue getElem(int th, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.getElem"); }
    public void setElem(int th, String value, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.setElem"); }
    public void setElem(int th, ConfObject value, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.setElem"); }
    public void create(int th, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.create"); }
    public void safeCreate(int th, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.safeCreate"); }
    public void delete(int th, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.delete"); }
    public void safeDelete(int th, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.safeDelete"); }
    public boolean exists(int th, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.exists"); }
    public int getNumberOfInstances(int th, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.getNumberOfInstances"); }
    public ConfXMLParam[] requestAction(ConfXMLParam[] params, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.requestAction"); }
    public ConfXMLParam[] requestActionTh(int th, ConfXMLParam[] params, String fmt, Object... args) throws ConfException, IOException { throw new NotAvailable("Maapi.requestActionTh"); }
    public void attach(int th, ConfNamespace ns, int usid) throws ConfException, IOException { throw new NotAvailable("Maapi.attach"); }
    public void attach(int th, int nsHash, int usid) throws ConfException, IOException { throw new NotAvailable("Maapi.attach"); }
    public void detach(int th) throws ConfException, IOException { throw new NotAvailable("Maapi.detach"); }
    public void close() throws IOException { if (socket != null) { socket.close(); } }
}
