package com.tailf.dp;

import com.tailf.conf.ConfException;
import com.tailf.conf.NotAvailable;
import java.io.IOException;
import java.net.Socket;

/** The data provider API: registers annotated callbacks with NSO. */
public class Dp {
    public Dp(String name, Socket socket) throws ConfException { }

    public void registerAnnotatedCallbacks(Object callbacks) throws DpCallbackException { }
    public void registerDone() throws ConfException, IOException { throw new NotAvailable("Dp.registerDone"); }
    public void read() throws ConfException, IOException { throw new NotAvailable("Dp.read"); }
}
