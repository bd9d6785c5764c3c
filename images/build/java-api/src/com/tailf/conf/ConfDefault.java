package com.tailf.conf;

/** Marks a leaf that has its default value. */
public class ConfDefault extends ConfValue {
    private static final long serialVersionUID = 1L;
    @Override public String toString() { return "default"; }
}
