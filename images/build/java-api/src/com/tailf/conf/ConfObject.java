package com.tailf.conf;

import java.io.Serializable;

/** Anything that can sit in a keypath or an XML parameter. */
public abstract class ConfObject implements Serializable {
    private static final long serialVersionUID = 1L;
}
