package com.tailf.ncs;

import com.tailf.conf.Conf;

/** NSO's Java VM. */
public final class NcsMain {
    private static final NcsMain INSTANCE = new NcsMain();

    private NcsMain() {}

    public static NcsMain getInstance() { return INSTANCE; }
    public String getNcsHost() { return "127.0.0.1"; }
    public int getNcsPort() { return Conf.NCS_PORT; }
}
