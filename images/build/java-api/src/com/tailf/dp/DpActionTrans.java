package com.tailf.dp;

/** The transaction an action callback runs in. */
public class DpActionTrans {
    public DpUserInfo getUserInfo() { return new DpUserInfo("admin", "system"); }
    public int getTransaction() { return 0; }
    public String getActionName() { return null; }
}
