package com.tailf.navu;

/** A case of a choice in NAVU. */
public class NavuCase extends NavuNode {
}
