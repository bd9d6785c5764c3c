package com.tailf.conf;

/** Constants of NSO's Java API. */
public final class Conf {
    private Conf() {}

    public static final int PORT = 4565;
    public static final int NCS_PORT = 4569;
    public static final int DB_CANDIDATE = 1;
    public static final int DB_RUNNING = 2;
    public static final int DB_STARTUP = 3;
    public static final int DB_OPERATIONAL = 4;
    public static final int MODE_READ = 1;
    public static final int MODE_READ_WRITE = 2;
}
