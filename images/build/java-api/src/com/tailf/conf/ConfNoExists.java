package com.tailf.conf;

/** The value of a leaf that does not exist. */
public class ConfNoExists extends ConfValue {
    private static final long serialVersionUID = 1L;
    @Override public String toString() { return "not-exists"; }
}
