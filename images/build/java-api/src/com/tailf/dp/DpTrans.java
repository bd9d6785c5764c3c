package com.tailf.dp;

/** A transaction seen by a data provider callback. */
public class DpTrans {
    public DpUserInfo getUserInfo() { return new DpUserInfo("admin", "system"); }
    public int getTransaction() { return 0; }
    public int getDBName() { return 0; }
}
