package com.tailf.dp;

/** Who triggered a callback. */
public class DpUserInfo {
    private final String userName;
    private final String context;

    public DpUserInfo(String userName, String context) { this.userName = userName; this.context = context; }

    public String getUserName() { return userName; }
    public String getContext() { return context; }
    public int getUserId() { return 0; }
    public String[] getGroups() { return new String[0]; }
}
