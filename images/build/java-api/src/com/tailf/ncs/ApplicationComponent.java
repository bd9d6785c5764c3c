package com.tailf.ncs;

/** A package component NSO's Java VM starts in its own thread. */
public interface ApplicationComponent extends Runnable {
    void init() throws Exception;
    void run();
    void finish() throws Exception;
}
