package com.tailf.ncs.template;

import java.util.HashMap;

/** Variables passed to a template. */
public class TemplateVariables extends HashMap<String, String> {
    private static final long serialVersionUID = 1L;

    public TemplateVariables() { super(); }

    /** Sets a variable to a string value, quoted for XPath. */
    public String putQuoted(String name, String value) {
        return put(name, "'" + value + "'");
    }
}
